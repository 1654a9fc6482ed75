using System.Collections.Concurrent;
using System.Globalization;
using Npgsql;

namespace Mentiora.Tests.Infrastructure;

/// <summary>
/// A PostgreSQL server that lives only for the test run, or the server named by
/// MENTIORA_TEST_POSTGRES when a developer or CI job already has one.
/// </summary>
public sealed class ThrowawayPostgres : IAsyncDisposable
{
    private const string ExternalServerVariable = "MENTIORA_TEST_POSTGRES";
    private const string ServerUser = "postgres";

    private readonly string? _binDir;
    private readonly string? _rootDir;
    private readonly string? _runAs;
    private readonly ConcurrentBag<string> _issuedConnectionStrings = new();
    private int _port;
    private int _disposed;

    private ThrowawayPostgres(string adminConnectionString) => AdminConnectionString = adminConnectionString;

    private ThrowawayPostgres(string binDir, string rootDir, string? runAs)
        : this(string.Empty) => (_binDir, _rootDir, _runAs) = (binDir, rootDir, runAs);

    public string AdminConnectionString { get; private set; }

    private bool IsExternal => _rootDir is null;
    private string DataDir => Path.Combine(_rootDir!, "data");
    private string LogFile => Path.Combine(_rootDir!, "server.log");

    public static async Task<ThrowawayPostgres> StartAsync()
    {
        var external = Environment.GetEnvironmentVariable(ExternalServerVariable);
        if (!string.IsNullOrWhiteSpace(external))
        {
            var builder = new NpgsqlConnectionStringBuilder(external);
            // A database the user named is kept on purpose: 'postgres' may be off limits on a shared server.
            if (string.IsNullOrEmpty(builder.Database)) builder.Database = "postgres";
            return new ThrowawayPostgres(builder.ConnectionString);
        }

        var binDir = FindServerBinaries() ?? throw new InvalidOperationException(
            "PostgreSQL server binaries (initdb, pg_ctl) not found. Install them with `apt-get update && apt-get install -y postgresql` (Debian/Ubuntu), " +
            $"or set {ExternalServerVariable} to a connection string of a server where the user may create databases.");

        // initdb and postgres refuse to run as root, so as root the server runs as the postgres system user,
        // with its files under /tmp because root's own temp folder may be out of that user's reach.
        var isRoot = Environment.UserName == "root";
        var root = Path.Combine(isRoot ? "/tmp" : Path.GetTempPath(), "mentiora-pg-" + Guid.NewGuid().ToString("N"));
        var server = new ThrowawayPostgres(binDir, root, isRoot ? ServerUser : null);
        try
        {
            // initdb creates the data folder itself, with the mode 700 that postgres insists on.
            Directory.CreateDirectory(root);
            if (isRoot) await CommandRunner.RunAsync("chown", ["-R", $"{ServerUser}:{ServerUser}", root]);
            AppDomain.CurrentDomain.ProcessExit += server.OnProcessExit;
            await server.StartWatchdogAsync();

            await server.RunToolAsync("initdb",
                ["-D", server.DataDir, "--auth=trust", $"--username={ServerUser}", "--encoding=UTF8", "--locale=C", "--no-sync"]);

            // Another test process may take the port between probing and binding, so a few fresh ports are tried.
            for (var attempt = 1; ; attempt++)
            {
                server._port = FreePort.Next();
                try
                {
                    await server.StartServerAsync();
                    break;
                }
                catch (InvalidOperationException e) when (attempt < 3 && e.Message.Contains("could not bind", StringComparison.Ordinal))
                {
                    // Lost the race for the port; the next attempt probes a new one.
                }
            }

            server.AdminConnectionString = server.BuildConnectionString("postgres", pooling: false);
            return server;
        }
        catch
        {
            try
            {
                await server.DisposeAsync();
            }
            catch (Exception)
            {
                // The original failure explains more than a failed cleanup would.
            }

            throw;
        }
    }

    public async Task<string> CreateDatabaseAsync(string? namePrefix = null)
    {
        var prefix = new string((namePrefix ?? "test").ToLowerInvariant()
            .Select(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' ? c : '_').ToArray());
        // PostgreSQL truncates identifiers at 63 bytes; the separator and guid take 33 of them.
        var name = $"{prefix[..Math.Min(prefix.Length, 30)]}_{Guid.NewGuid():N}";

        await using (var connection = new NpgsqlConnection(AdminConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync();
        }

        var connectionString = IsExternal
            ? new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name }.ConnectionString
            : BuildConnectionString(name, pooling: true);
        _issuedConnectionStrings.Add(connectionString);
        return connectionString;
    }

    public async Task StopAsync()
    {
        ThrowIfExternal();
        // Idle pooled connections die with the server and would fail the first command that rents one after a restart.
        ClearIssuedPools();
        await RunToolAsync("pg_ctl", ["stop", "-D", DataDir, "-m", "fast", "-w", "-t", "60"]);
    }

    public Task RestartAsync()
    {
        ThrowIfExternal();
        return StartServerAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (IsExternal || Interlocked.Exchange(ref _disposed, 1) != 0) return;
        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        ClearIssuedPools();
        try
        {
            if (File.Exists(Path.Combine(DataDir, "postmaster.pid")))
                await RunToolAsync("pg_ctl", ["stop", "-D", DataDir, "-m", "immediate", "-w", "-t", "60"]);
        }
        finally
        {
            if (Directory.Exists(_rootDir)) Directory.Delete(_rootDir, recursive: true);
        }
    }

    private async Task StartServerAsync()
    {
        var options = $"-p {_port} -c listen_addresses=127.0.0.1 -k {_rootDir} -c fsync=off -c max_connections=300";
        try
        {
            await RunToolAsync("pg_ctl", ["start", "-D", DataDir, "-l", LogFile, "-w", "-t", "60", "-o", options]);
        }
        catch (InvalidOperationException e)
        {
            throw new InvalidOperationException($"{e.Message}\nLast lines of the server log ({LogFile}):\n{TailOfLog(20)}", e);
        }
    }

    // ProcessExit never fires when the test host is killed, .NET 10 no longer raises it on SIGTERM, and the test
    // platform kills a host that takes long to exit. So a detached shell outlives this process, waits for it to
    // go away (or for DisposeAsync to delete the folder) and then takes the server and its folder with it.
    private async Task StartWatchdogAsync()
    {
        const string script = """
            pid=$1; root=$2; shift 2
            (while kill -0 "$pid" && [ -d "$root" ]; do sleep 1; done
             [ -f "$root/data/postmaster.pid" ] && "$@"
             rm -rf "$root") </dev/null >/dev/null 2>&1 &
            """;
        string[] stop = [Path.Combine(_binDir!, "pg_ctl"), "stop", "-D", DataDir, "-m", "immediate", "-w"];
        string[] stopAsServerUser = _runAs is null ? stop : ["runuser", "-u", _runAs, "--", .. stop];
        var pid = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        await CommandRunner.RunAsync("/bin/sh", ["-c", script, "sh", pid, _rootDir!, .. stopAsServerUser], workingDirectory: "/");
    }

    // Covers an ordinary exit without DisposeAsync; the watchdog finishes the job if the host is cut short.
    private void OnProcessExit(object? sender, EventArgs e)
    {
        try
        {
            DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(30));
        }
        catch (Exception)
        {
            // Nothing useful can be reported while the process is going away.
        }
    }

    private string BuildConnectionString(string database, bool pooling) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = _port,
        Username = ServerUser,
        Database = database,
        Pooling = pooling,
    }.ConnectionString;

    private void ClearIssuedPools()
    {
        foreach (var connectionString in _issuedConnectionStrings)
        {
            using var connection = new NpgsqlConnection(connectionString);
            NpgsqlConnection.ClearPool(connection);
        }
    }

    private void ThrowIfExternal()
    {
        if (IsExternal)
            throw new InvalidOperationException($"The server named by {ExternalServerVariable} is not ours to stop or restart.");
    }

    private string TailOfLog(int lines)
    {
        try
        {
            return File.Exists(LogFile) ? string.Join('\n', File.ReadLines(LogFile).TakeLast(lines)) : "(no server log was written)";
        }
        catch (IOException e)
        {
            return $"(server log unreadable: {e.Message})";
        }
    }

    // The server user cannot enter the test's working directory (often under /root), which initdb and pg_ctl dislike.
    private Task<string> RunToolAsync(string tool, IReadOnlyList<string> arguments) =>
        CommandRunner.RunAsync(Path.Combine(_binDir!, tool), arguments, _runAs, workingDirectory: _rootDir);

    private static string? FindServerBinaries()
    {
        static bool HasTools(string dir) => File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "pg_ctl"));

        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .FirstOrDefault(HasTools);
        if (onPath is not null) return onPath;

        // Debian and Ubuntu keep the server binaries off PATH, one folder per major version.
        const string debianRoot = "/usr/lib/postgresql";
        if (!Directory.Exists(debianRoot)) return null;
        return Directory.GetDirectories(debianRoot)
            .OrderByDescending(dir => int.TryParse(Path.GetFileName(dir), out var major) ? major : -1)
            .Select(dir => Path.Combine(dir, "bin"))
            .FirstOrDefault(HasTools);
    }
}
