using System.Collections.Concurrent;
using System.Globalization;
using Mentiora.Harness.Ports;
using Mentiora.Harness.Prerequisites;
using Mentiora.Harness.Processes;
using Npgsql;

namespace Mentiora.Harness.Postgres;

/// <summary>
/// A PostgreSQL server of its own in a folder of its own (initdb, a free port on 127.0.0.1), or the server
/// named by MENTIORA_TEST_POSTGRES when a developer or CI job already has one.
/// </summary>
/// <remarks>
/// Usage: <c>await using var pg = await ThrowawayPostgres.StartAsync(); var cs = await pg.CreateDatabaseAsync("traces");</c>
/// then <c>StopAsync</c>/<c>RestartAsync</c> to take it away and bring it back on the same port.
/// </remarks>
public sealed class ThrowawayPostgres : IAsyncDisposable
{
    /// <summary>The variable naming an existing server to use instead of a throwaway one.</summary>
    public const string ExternalServerVariable = "MENTIORA_TEST_POSTGRES";

    /// <summary>The superuser of a throwaway server, and the system user it runs as when we are root.</summary>
    public const string ServerUser = "postgres";

    private readonly ConcurrentBag<string> _issuedConnectionStrings = new();
    private readonly bool _stopWithThisProcess;
    private readonly Action<string> _progress;
    private int _disposed;

    private ThrowawayPostgres(string adminConnectionString)
    {
        AdminConnectionString = adminConnectionString;
        _progress = _ => { };
    }

    private ThrowawayPostgres(string binDir, string rootDir, string? runAs, int port, bool stopWithThisProcess, Action<string>? progress)
        : this(string.Empty)
    {
        (BinDirectory, RootDirectory, RunAsUser, Port, _stopWithThisProcess) = (binDir, rootDir, runAs, port, stopWithThisProcess);
        _progress = progress ?? (_ => { });
    }

    /// <summary>A connection string for the <c>postgres</c> database as superuser, without pooling.</summary>
    public string AdminConnectionString { get; private set; }

    /// <summary>True when this is the server named by MENTIORA_TEST_POSTGRES: not ours to stop.</summary>
    public bool IsExternal => RootDirectory is null;

    /// <summary>The port on 127.0.0.1 (0 for an external server).</summary>
    public int Port { get; private set; }

    /// <summary>The server's folder: data/, server.log.</summary>
    public string? RootDirectory { get; }

    /// <summary>The folder of initdb and pg_ctl.</summary>
    public string? BinDirectory { get; }

    /// <summary>The system user the server runs as (as root: postgres), or null for this process's user.</summary>
    public string? RunAsUser { get; }

    /// <summary>The data folder (initdb's).</summary>
    public string DataDirectory => Path.Combine(RootDirectory ?? throw ExternalError(), "data");

    /// <summary>The server's log.</summary>
    public string LogFile => Path.Combine(RootDirectory ?? throw ExternalError(), "server.log");

    /// <summary>The postmaster's process id while it runs, else null.</summary>
    public int? ProcessId
    {
        get
        {
            if (IsExternal) return null;
            try
            {
                var first = File.ReadLines(Path.Combine(DataDirectory, "postmaster.pid")).FirstOrDefault();
                return int.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : null;
            }
            catch (IOException)
            {
                return null;
            }
            catch (UnauthorizedAccessException)
            {
                return null;
            }
        }
    }

    /// <summary>Starts a throwaway server (or uses MENTIORA_TEST_POSTGRES) and waits until it takes connections.</summary>
    public static async Task<ThrowawayPostgres> StartAsync(ThrowawayPostgresOptions? options = null)
    {
        options ??= new ThrowawayPostgresOptions();
        var external = options.AllowExternalServer ? Environment.GetEnvironmentVariable(ExternalServerVariable) : null;
        if (!string.IsNullOrWhiteSpace(external))
        {
            var builder = new NpgsqlConnectionStringBuilder(external);
            // A database the user named is kept on purpose: 'postgres' may be off limits on a shared server.
            if (string.IsNullOrEmpty(builder.Database)) builder.Database = "postgres";
            return new ThrowawayPostgres(builder.ConnectionString);
        }

        var binDir = HostTools.FindPostgresBinaries() ?? throw new InvalidOperationException(
            "PostgreSQL server binaries (initdb, pg_ctl) not found. " + HostTools.HowToInstall(Prerequisite.Postgres) +
            (options.AllowExternalServer ? $" Or set {ExternalServerVariable} to a connection string of a server where the user may create databases." : ""));

        // initdb and postgres refuse to run as root, so as root the server runs as the postgres system user,
        // with its files under /tmp because root's own temp folder may be out of that user's reach.
        var isRoot = HostTools.IsRoot;
        var root = options.Directory is { } chosen
            ? Path.GetFullPath(chosen)
            : Path.Combine(isRoot ? "/tmp" : Path.GetTempPath(), "mentiora-pg-" + Guid.NewGuid().ToString("N"));
        var server = new ThrowawayPostgres(binDir, root, isRoot ? ServerUser : null, 0, options.StopWithThisProcess, options.Progress);
        try
        {
            // initdb creates the data folder itself, with the mode 700 that postgres insists on.
            System.IO.Directory.CreateDirectory(root);
            if (isRoot) await CommandRunner.RunAsync("chown", ["-R", $"{ServerUser}:{ServerUser}", root]);
            if (options.StopWithThisProcess)
            {
                AppDomain.CurrentDomain.ProcessExit += server.OnProcessExit;
                await server.StartWatchdogAsync();
            }

            server._progress($"Creating a PostgreSQL database cluster in {server.DataDirectory} ({binDir})");
            await server.RunToolAsync("initdb",
                ["-D", server.DataDirectory, "--auth=trust", $"--username={ServerUser}", "--encoding=UTF8", "--locale=C", "--no-sync"]);

            // The options are kept in postmaster.opts by pg_ctl; RestartAsync reuses them.
            var settings = $"-c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c max_connections={options.MaxConnections}"
                + (options.Durable ? "" : " -c fsync=off");
            await FreePort.RetryWhenTakenAsync(async () =>
            {
                server.Port = FreePort.Next();
                server._progress($"Starting PostgreSQL on 127.0.0.1:{server.Port}");
                await server.StartServerAsync(["-o", $"-p {server.Port} {settings}"]);
                return server.Port;
            });

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

    /// <summary>
    /// A handle on a server a previous process started with <see cref="ThrowawayPostgresOptions.StopWithThisProcess"/> off
    /// (the command line's <c>stop</c> reads its folder and port from cluster.env).
    /// </summary>
    public static ThrowawayPostgres Adopt(string rootDirectory, string binDirectory, string? runAsUser, int port)
    {
        var server = new ThrowawayPostgres(binDirectory, rootDirectory, runAsUser, port, stopWithThisProcess: false, progress: null);
        server.AdminConnectionString = server.BuildConnectionString("postgres", pooling: false);
        return server;
    }

    /// <summary>Creates a database with a unique name starting with <paramref name="namePrefix"/> and returns a pooled connection string to it.</summary>
    public async Task<string> CreateDatabaseAsync(string? namePrefix = null)
    {
        var prefix = new string((namePrefix ?? "test").ToLowerInvariant()
            .Select(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' ? c : '_').ToArray());
        // PostgreSQL truncates identifiers at 63 bytes; the separator and guid take 33 of them.
        return await CreateDatabaseNamedAsync($"{prefix[..Math.Min(prefix.Length, 30)]}_{Guid.NewGuid():N}");
    }

    /// <summary>Creates the database <paramref name="name"/> (lower case letters, digits, '_') and returns a pooled connection string to it.</summary>
    public async Task<string> CreateDatabaseNamedAsync(string name)
    {
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

    /// <summary>A connection string to <paramref name="database"/> on this server in the form an operator reads (no pooling settings).</summary>
    public string ConnectionStringFor(string database) => IsExternal
        ? new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = database }.ConnectionString
        : $"Host=127.0.0.1;Port={Port};Username={ServerUser};Database={database}";

    /// <summary>Stops the server as an operator would (pg_ctl, fast: open connections are cut) and waits until it is down.</summary>
    public async Task StopAsync()
    {
        ThrowIfExternal();
        // Idle pooled connections die with the server and would fail the first command that rents one after a restart.
        ClearIssuedPools();
        await RunToolAsync("pg_ctl", ["stop", "-D", DataDirectory, "-m", "fast", "-w", "-t", "60"]);
    }

    // "restart" rather than "start": only restart reuses the options the server was started with (port, listen
    // address, connection limit), which pg_ctl kept in postmaster.opts; on a stopped server it says so and starts it.

    /// <summary>Starts the stopped server again, on the same port and settings, and waits until it takes connections.</summary>
    public Task RestartAsync()
    {
        ThrowIfExternal();
        return StartServerAsync([], restart: true);
    }

    /// <summary>True while the postmaster runs.</summary>
    public bool IsRunning => ProcessId is { } pid && ProcessAlive.IsRunning(pid, $"-D {DataDirectory}");

    /// <summary>Stops the server at once if it runs and deletes its folder.</summary>
    public async ValueTask DisposeAsync()
    {
        if (IsExternal || Interlocked.Exchange(ref _disposed, 1) != 0) return;
        if (_stopWithThisProcess) AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        ClearIssuedPools();
        try
        {
            if (File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
            {
                _progress($"Stopping PostgreSQL (PID {ProcessId})");
                await RunToolAsync("pg_ctl", ["stop", "-D", DataDirectory, "-m", _stopWithThisProcess ? "immediate" : "fast", "-w", "-t", "60"]);
            }
        }
        finally
        {
            if (System.IO.Directory.Exists(RootDirectory)) System.IO.Directory.Delete(RootDirectory, recursive: true);
        }
    }

    private async Task StartServerAsync(IReadOnlyList<string> extra, bool restart = false)
    {
        try
        {
            await RunToolAsync("pg_ctl", [restart ? "restart" : "start", "-D", DataDirectory, "-l", LogFile, "-w", "-t", "60", .. extra]);
        }
        catch (InvalidOperationException e)
        {
            throw new InvalidOperationException($"{e.Message}\nLast lines of the server log ({LogFile}):\n{LogTail(20)}", e);
        }
    }

    // ProcessExit never fires when the host is killed, .NET 10 no longer raises it on SIGTERM, and the test
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
        string[] stop = [Path.Combine(BinDirectory!, "pg_ctl"), "stop", "-D", DataDirectory, "-m", "immediate", "-w"];
        string[] stopAsServerUser = RunAsUser is null ? stop : ["runuser", "-u", RunAsUser, "--", .. stop];
        var pid = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        await CommandRunner.RunAsync("/bin/sh", ["-c", script, "sh", pid, RootDirectory!, .. stopAsServerUser], workingDirectory: "/");
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
        Port = Port,
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
        if (IsExternal) throw ExternalError();
    }

    private static InvalidOperationException ExternalError() =>
        new($"The server named by {ExternalServerVariable} is not ours to stop or restart.");

    /// <summary>The last lines of the server log, for failure messages.</summary>
    public string LogTail(int lines) => LogFiles.Tail(LogFile, lines);

    // The server user cannot enter the caller's working directory (often under /root), which initdb and pg_ctl dislike.
    private Task<string> RunToolAsync(string tool, IReadOnlyList<string> arguments) =>
        CommandRunner.RunAsync(Path.Combine(BinDirectory!, tool), arguments, RunAsUser, workingDirectory: "/");
}
