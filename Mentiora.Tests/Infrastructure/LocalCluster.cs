using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Mentiora.Tests.Infrastructure;

/// <summary>
/// The docker-compose topology from local binaries, as <c>deploy/local-cluster.sh</c> starts it: a
/// throwaway PostgreSQL, silo processes forming one Orleans cluster on it, and nginx balancing them
/// on one port. The test drives the script itself, so it checks what an operator runs, and reads
/// what the script wrote to <c>cluster.env</c>. Each instance has a folder, ports and database of
/// its own, so clusters of tests running at the same time never meet.
/// </summary>
public sealed partial class LocalCluster : IAsyncDisposable
{
    // The script waits up to 180 s for the silos (the first start creates the schema), and may build the app first.
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(240);

    // Silos get 30 s to leave the cluster before the script kills them.
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(90);

    private static readonly string Script = Path.Combine(RepositoryRoot.Path, "deploy", "local-cluster.sh");

    private readonly string _dir;
    private readonly IReadOnlyDictionary<string, string> _state;
    private int _disposed;

    private LocalCluster(string dir, IReadOnlyDictionary<string, string> state, TimeSpan startupTime)
    {
        StartupTime = startupTime;
        _dir = dir;
        _state = state;
        Url = new Uri(state["MENTIORA_URL"]);
        ConnectionString = state["MENTIORA_POSTGRES"];
        SiloProcessIds = Words("MENTIORA_SILO_PIDS").Select(pid => int.Parse(pid, CultureInfo.InvariantCulture)).ToArray();
        SiloUrls = Words("MENTIORA_SILO_URLS").Select(url => new Uri(url)).ToArray();
    }

    /// <summary>How long the script took to start everything until the load balancer answered ready.</summary>
    public TimeSpan StartupTime { get; }

    /// <summary>The load balancer: what clients use.</summary>
    public Uri Url { get; }

    /// <summary>The database every silo uses.</summary>
    public string ConnectionString { get; }

    /// <summary>The process of each silo, in start order.</summary>
    public IReadOnlyList<int> SiloProcessIds { get; }

    /// <summary>Each silo's own web address, bypassing nginx.</summary>
    public IReadOnlyList<Uri> SiloUrls { get; }

    private string PostgresDataDir => Path.Combine(_state["MENTIORA_POSTGRES_DIR"], "data");

    /// <summary>
    /// Runs <c>deploy/local-cluster.sh start</c> with <paramref name="silos"/> silos on a free port.
    /// <paramref name="settings"/> are app settings as environment variables (e.g. <c>Traces__QueueCapacity</c>),
    /// which the silos inherit from the script. Fails with the script's own words when something is
    /// missing, e.g. nginx or the PostgreSQL server binaries and how to install them.
    /// </summary>
    public static async Task<LocalCluster> StartAsync(int silos = 2, IReadOnlyDictionary<string, string>? settings = null)
    {
        // Under /tmp as root too: the postgres system user must reach the database folder inside it.
        var dir = Path.Combine(Environment.UserName == "root" ? "/tmp" : Path.GetTempPath(), $"mentiora-cluster-test-{Guid.NewGuid():N}");
        var started = Stopwatch.StartNew();
        try
        {
            await CommandRunner.RunAsync(
                "bash", [Script, "start", "--silos", silos.ToString(CultureInfo.InvariantCulture), "--port", "0", "--dir", dir],
                workingDirectory: RepositoryRoot.Path, environment: settings, timeout: StartTimeout);
        }
        catch (InvalidOperationException e)
        {
            // The script stops whatever it started when start fails; what it said is the explanation.
            throw new InvalidOperationException($"deploy/local-cluster.sh could not start a cluster: {e.Message}", e);
        }

        var cluster = new LocalCluster(dir, ReadState(Path.Combine(dir, "cluster.env")), started.Elapsed);
        await cluster.StartWatchdogAsync();
        return cluster;
    }

    /// <summary>A client of the load balancer that keeps cookies and looks at redirects instead of following them.</summary>
    public HttpClient CreateClient() =>
        new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new System.Net.CookieContainer() })
        {
            BaseAddress = Url,
            Timeout = TimeSpan.FromSeconds(30),
        };

    /// <summary>Ends a silo at once with SIGKILL, as a crash or the OOM killer would: no request is finished, no goodbye to the cluster.</summary>
    public void KillSilo(int index)
    {
        using var silo = Process.GetProcessById(SiloProcessIds[index]);
        silo.Kill();
        silo.WaitForExit(TimeSpan.FromSeconds(10));
    }

    /// <summary>True while the silo's process still runs.</summary>
    public bool SiloIsRunning(int index)
    {
        try
        {
            using var silo = Process.GetProcessById(SiloProcessIds[index]);
            return !silo.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>Stops PostgreSQL as an operator would (pg_ctl, fast: open connections are cut), and waits until it is down.</summary>
    public Task StopPostgresAsync() => PgCtlAsync(["stop", "-D", PostgresDataDir, "-m", "fast", "-w", "-t", "60"]);

    // "restart" rather than "start": only restart reuses the options the script started the server with
    // (port, listen address, connection limit), which pg_ctl kept in postmaster.opts; on a stopped server it
    // says so ("trying to start server anyway") and starts it.

    /// <summary>Starts the stopped PostgreSQL again, on the same port and settings, and waits until it takes connections.</summary>
    public Task StartPostgresAgainAsync() =>
        PgCtlAsync(["restart", "-D", PostgresDataDir, "-l", Path.Combine(_state["MENTIORA_POSTGRES_DIR"], "server.log"), "-w", "-t", "60"]);

    /// <summary>The last lines of every silo's log and of nginx's error log, for assertion messages.</summary>
    public string LogTails(int lines = 15)
    {
        var logs = Enumerable.Range(1, SiloProcessIds.Count).Select(i => Path.Combine(_dir, $"silo{i}.log"))
            .Append(Path.Combine(_dir, "nginx", "error.log"));
        return string.Join('\n', logs.Select(log =>
        {
            try
            {
                return $"--- last lines of {log} ---\n{string.Join('\n', File.ReadLines(log).TakeLast(lines))}";
            }
            catch (IOException e)
            {
                return $"--- {log} unreadable: {e.Message} ---";
            }
        }));
    }

    /// <summary>Runs <c>deploy/local-cluster.sh stop</c>: nginx, the silos still alive and PostgreSQL stop, and the folder goes.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await CommandRunner.RunAsync("bash", [Script, "stop", "--dir", _dir], workingDirectory: RepositoryRoot.Path, timeout: StopTimeout);
    }

    private Task<string> PgCtlAsync(IReadOnlyList<string> arguments)
    {
        // As root the server runs as the postgres system user, and pg_ctl must too; from /, which that user may enter.
        var user = _state.GetValueOrDefault("MENTIORA_POSTGRES_USER");
        return CommandRunner.RunAsync(Path.Combine(_state["MENTIORA_POSTGRES_BIN"], "pg_ctl"), arguments,
            runAsUser: string.IsNullOrEmpty(user) ? null : user, workingDirectory: "/");
    }

    private IEnumerable<string> Words(string variable) =>
        _state.GetValueOrDefault(variable, string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries);

    // cluster.env is shell: NAME='value' per line, no value holding a quote.
    private static Dictionary<string, string> ReadState(string file)
    {
        var state = File.ReadLines(file).Select(line => StateLine().Match(line)).Where(m => m.Success)
            .ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value, StringComparer.Ordinal);
        foreach (var required in new[] { "MENTIORA_URL", "MENTIORA_POSTGRES", "MENTIORA_SILO_PIDS", "MENTIORA_POSTGRES_DIR", "MENTIORA_POSTGRES_BIN" })
        {
            if (string.IsNullOrEmpty(state.GetValueOrDefault(required)))
            {
                throw new InvalidOperationException($"{file} does not set {required}:\n{File.ReadAllText(file)}");
            }
        }

        return state;
    }

    // The cluster's processes outlive a test host that is killed (test timeout, Ctrl+C) and would keep ports,
    // memory and a database busy; a detached shell stops the cluster once the test host is gone.
    private Task StartWatchdogAsync()
    {
        const string script = """
            host=$1; dir=$2; cluster=$3
            (while kill -0 "$host" && [ -d "$dir" ]; do sleep 1; done
             [ -d "$dir" ] && bash "$cluster" stop --dir "$dir") </dev/null >/dev/null 2>&1 &
            """;
        return CommandRunner.RunAsync("/bin/sh", [
            "-c", script, "sh", Environment.ProcessId.ToString(CultureInfo.InvariantCulture), _dir, Script,
        ], workingDirectory: "/");
    }

    [GeneratedRegex("^(MENTIORA_[A-Z_]+)='([^']*)'$")]
    private static partial Regex StateLine();
}
