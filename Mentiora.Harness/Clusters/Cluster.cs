using System.Diagnostics;
using Mentiora.Harness.Nginx;
using Mentiora.Harness.Postgres;
using Mentiora.Harness.Processes;
using Mentiora.Harness.Silos;

namespace Mentiora.Harness.Clusters;

/// <summary>
/// N silo processes forming one Orleans cluster on one PostgreSQL database, optionally behind nginx, as servers behind a
/// load balancer would: what the cluster tests, the benchmark and the local cluster command start.
/// </summary>
/// <remarks>
/// Usage: <c>await using var cluster = await Cluster.StartAsync(new ClusterOptions { Silos = 2, Nginx = true });</c> then
/// <c>cluster.Url</c>, <c>cluster.Silos[0].CreateClient()</c>, <c>cluster.KillSilo(0)</c>, <c>cluster.StopPostgresAsync()</c>.
/// </remarks>
public sealed class Cluster : IAsyncDisposable
{
    private readonly ClusterOptions _options;
    private readonly List<SiloProcess> _silos = [];
    // Silo starts still under way: the cluster's end waits for them, so a silo that becomes ready after it is stopped too.
    private readonly List<Task> _starting = [];
    private readonly bool _ownsDirectory;
    private ThrowawayPostgres? _ownPostgres;
    private int _disposed;

    private Cluster(ClusterOptions options, string directory, bool ownsDirectory, string clusterId)
    {
        _options = options;
        Directory = directory;
        _ownsDirectory = ownsDirectory;
        ClusterId = clusterId;
    }

    /// <summary>The cluster's folder.</summary>
    public string Directory { get; }

    /// <summary>The Orleans cluster (and service) id every silo uses.</summary>
    public string ClusterId { get; }

    /// <summary>The database every silo uses.</summary>
    public string ConnectionString { get; private set; } = string.Empty;

    /// <summary>The PostgreSQL server of the database, when the cluster started it or was given it; null for a given connection string.</summary>
    public ThrowawayPostgres? Postgres { get; private set; }

    /// <summary>The load balancer, when there is one.</summary>
    public NginxProcess? Nginx { get; private set; }

    /// <summary>The silos, in start order (a restarted one keeps its place).</summary>
    public IReadOnlyList<SiloProcess> Silos => _silos;

    /// <summary>What clients use: the load balancer, or the first silo without one.</summary>
    public Uri Url => Nginx?.Url ?? _silos[0].BaseAddress;

    /// <summary>Each silo's own web address, bypassing nginx.</summary>
    public IReadOnlyList<Uri> SiloUrls => _silos.Select(s => s.BaseAddress).ToList();

    /// <summary>Each silo's Prometheus address (its own port, which nginx never proxies).</summary>
    public IReadOnlyList<Uri> SiloMetricsUrls => _silos.Select(s => s.MetricsAddress).ToList();

    /// <summary>The certificates the silos were given (mutual TLS between them, the key ring at rest), or null when the cluster runs without.</summary>
    public ClusterCertificates? Certificates { get; private set; }

    /// <summary>The process of each silo, in start order.</summary>
    public IReadOnlyList<int> SiloProcessIds => _silos.Select(s => s.ProcessId).ToList();

    /// <summary>How long the whole start took, until the last part answered ready.</summary>
    public TimeSpan StartupTime { get; private set; }

    /// <summary>Starts the database (unless given), the silos and nginx (when asked for); on a failure stops what was started and throws.</summary>
    public static async Task<Cluster> StartAsync(ClusterOptions options)
    {
        var started = Stopwatch.StartNew();
        // Under /tmp as root too: the postgres system user must reach the database folder inside it.
        var directory = options.Directory is { } chosen
            ? Path.GetFullPath(chosen)
            : Path.Combine(Environment.UserName == "root" ? "/tmp" : Path.GetTempPath(), $"mentiora-cluster-{Guid.NewGuid():N}");
        var cluster = new Cluster(options, directory, ownsDirectory: options.Directory is null, options.ClusterId ?? $"cluster-{Guid.NewGuid():N}");
        try
        {
            System.IO.Directory.CreateDirectory(directory);
            // Readable by the postgres user when the database runs as that user inside this folder.
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(directory, (UnixFileMode)0b111_101_101);
            if (options.Tls) cluster.Certificates = ClusterCertificates.Create(Path.Combine(directory, "certs"));
            await cluster.StartDatabaseAsync();
            await cluster.StartSilosAsync();
            if (options.Nginx)
            {
                cluster.Nginx = await NginxProcess.StartAsync(
                    Path.Combine(directory, "nginx"), cluster._silos.Select(s => s.BaseAddress.Authority).ToList(), options.NginxPort,
                    stopWithThisProcess: !options.Detached, options.Progress, options.NginxOuterProxies);
            }

            cluster.StartupTime = started.Elapsed;
            return cluster;
        }
        catch
        {
            try
            {
                await cluster.StopEverythingAsync(TimeSpan.FromSeconds(10), runAfterStop: false);
            }
            catch (Exception)
            {
                // The original failure explains more than a failed cleanup would.
            }

            throw;
        }
    }

    /// <summary>A client of the load balancer (or the first silo) that keeps cookies and looks at redirects instead of following them.</summary>
    public HttpClient CreateClient() =>
        new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new System.Net.CookieContainer() })
        {
            BaseAddress = Url,
            Timeout = TimeSpan.FromSeconds(30),
        };

    /// <summary>Ends a silo at once with SIGKILL, as a crash or the OOM killer would: no request is finished, no goodbye to the cluster.</summary>
    public void KillSilo(int index)
    {
        _silos[index].Kill();
        using var process = TryGetProcess(_silos[index].ProcessId);
        process?.WaitForExit(TimeSpan.FromSeconds(10));
    }

    /// <summary>True while the silo's process still runs.</summary>
    public bool SiloIsRunning(int index) => !_silos[index].HasExited;

    /// <summary>Asks a silo to leave the cluster (SIGTERM) and waits for it, killing it after <paramref name="timeout"/>.</summary>
    public Task StopSiloAsync(int index, TimeSpan timeout) => _silos[index].StopAsync(timeout);

    /// <summary>Starts the (stopped or killed) silo at <paramref name="index"/> again on its old ports, so nginx finds it, and waits until it is ready.</summary>
    public Task<SiloProcess> RestartSiloAsync(int index) => Tracked(RestartAsync(index));

    private async Task<SiloProcess> RestartAsync(int index)
    {
        var old = _silos[index];
        await old.DisposeAsync();
        var restarted = await SiloProcess.StartOnPortsAsync(old.Options, old.BaseAddress.Port, old.SiloPort, old.GatewayPort, old.MetricsPort);
        _silos[index] = restarted;
        return restarted;
    }

    /// <summary>Starts one more silo named <paramref name="name"/> that joins the cluster (not in nginx's list), and waits until it is ready.</summary>
    public Task<SiloProcess> StartSiloAsync(string name) => Tracked(StartAnotherAsync(name));

    private async Task<SiloProcess> StartAnotherAsync(string name)
    {
        var silo = await SiloProcess.StartAsync(SiloOptionsFor(name, _silos.Count));
        _silos.Add(silo);
        return silo;
    }

    private Task<SiloProcess> Tracked(Task<SiloProcess> start)
    {
        lock (_starting) _starting.Add(start);
        return start;
    }

    /// <summary>Stops PostgreSQL as an operator would (fast: open connections are cut), and waits until it is down.</summary>
    public Task StopPostgresAsync() => (Postgres ?? throw new InvalidOperationException("This cluster runs on a database it was given: its server is not ours to stop.")).StopAsync();

    /// <summary>Starts the stopped PostgreSQL again, on the same port and settings, and waits until it takes connections.</summary>
    public Task StartPostgresAgainAsync() => (Postgres ?? throw new InvalidOperationException("This cluster runs on a database it was given: its server is not ours to start.")).RestartAsync();

    /// <summary>The last lines of every silo's output and of nginx's error log, for failure messages.</summary>
    public string LogTails(int lines = 15)
    {
        var tails = _silos.Select(s => s.OutputTail(lines)).ToList();
        if (Nginx is not null) tails.Add($"--- last lines of {Path.Combine(Nginx.Directory, "error.log")} ---\n{Nginx.ErrorLogTail(lines)}");
        return string.Join('\n', tails);
    }

    /// <summary>Stops nginx, the silos and the cluster's own PostgreSQL (also when some of them already died), then removes a folder it made.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        await StopEverythingAsync(_options.SiloStopTimeout, runAfterStop: true);
    }

    // Front to back: no request reaches a silo that is stopping, no silo loses its database early.
    private async Task StopEverythingAsync(TimeSpan? siloStopTimeout, bool runAfterStop)
    {
        var failures = new List<Exception>();
        async Task Step(Func<Task> step)
        {
            try
            {
                await step();
            }
            catch (Exception e)
            {
                failures.Add(e);
            }
        }

        if (Nginx is not null) await Step(() => Nginx.DisposeAsync().AsTask());
        Task[] starting;
        lock (_starting) starting = [.. _starting];
        foreach (var start in starting)
        {
            try
            {
                await start;
            }
            catch (Exception)
            {
                // A failed start has stopped its own process, and its caller has seen the failure.
            }
        }
        if (siloStopTimeout is { } timeout) await Task.WhenAll(_silos.Select(s => Step(() => s.StopAsync(timeout))));
        // The last started first, as before: each one's hook (an output scan) runs whatever the others' found.
        foreach (var silo in Enumerable.Reverse(_silos)) await Step(() => silo.DisposeAsync().AsTask());
        if (runAfterStop && _options.AfterStop is { } afterStop) await Step(() => afterStop(this));
        if (_ownPostgres is not null) await Step(() => _ownPostgres.DisposeAsync().AsTask());
        if (_ownsDirectory) await Step(() => Task.Run(() => { if (System.IO.Directory.Exists(Directory)) System.IO.Directory.Delete(Directory, recursive: true); }));
        if (failures.Count == 1) throw failures[0];
        if (failures.Count > 1) throw new AggregateException(failures);
    }

    private async Task StartDatabaseAsync()
    {
        if (_options.ConnectionString is { } given)
        {
            ConnectionString = given;
            Postgres = _options.Postgres;
            return;
        }

        Postgres = _options.Postgres;
        if (Postgres is null)
        {
            _ownPostgres = await ThrowawayPostgres.StartAsync(new ThrowawayPostgresOptions
            {
                Directory = await PostgresUserCanEnterAsync(Directory)
                    ? Path.Combine(Directory, "postgres")
                    : Path.Combine("/tmp", $"mentiora-cluster-pg-{Guid.NewGuid():N}"),
                Durable = _options.DurablePostgres,
                // Each silo keeps pools of up to 100 connections.
                MaxConnections = 100 + 100 * _options.Silos,
                StopWithThisProcess = !_options.Detached,
                AllowExternalServer = false,
                Progress = _options.Progress,
            });
            Postgres = _ownPostgres;
        }

        ConnectionString = _options.DatabaseName is { } name
            ? await CreateNamedAsync(Postgres, name)
            : await Postgres.CreateDatabaseAsync("cluster");
    }

    // As root the server runs as the postgres system user, which must reach its folder; the cluster's folder may be
    // somewhere it cannot enter (e.g. under /root), and then the server's folder goes to /tmp instead.
    private static async Task<bool> PostgresUserCanEnterAsync(string directory)
    {
        if (!Prerequisites.HostTools.IsRoot) return true;
        try
        {
            await CommandRunner.RunAsync("test", ["-x", directory], runAsUser: ThrowawayPostgres.ServerUser, workingDirectory: "/");
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static async Task<string> CreateNamedAsync(ThrowawayPostgres server, string name)
    {
        await server.CreateDatabaseNamedAsync(name);
        return server.ConnectionStringFor(name);
    }

    private async Task StartSilosAsync()
    {
        if (_options.OneByOne)
        {
            // One after the other, as when a deployment scales out: each joins a cluster that is already serving.
            for (var i = 0; i < _options.Silos; i++)
            {
                _silos.Add(await StartReportedAsync(i));
                if (i == 0 && _options.WhileFirstIsAlone is { } whileAlone) await whileAlone(_silos[0]);
            }

            return;
        }

        // Together: the schema is created under a lock, and each is ready once it has joined.
        var starting = Enumerable.Range(0, _options.Silos).Select(StartReportedAsync).ToList();
        try
        {
            await Task.WhenAll(starting);
        }
        finally
        {
            _silos.AddRange(starting.Where(t => t.IsCompletedSuccessfully).Select(t => t.Result));
        }
    }

    private async Task<SiloProcess> StartReportedAsync(int index)
    {
        var options = SiloOptionsFor(_options.SiloName(index), index);
        _options.Progress?.Invoke($"Starting silo {options.Name}" + (options.LogFile is null ? "" : $", log {options.LogFile}"));
        var silo = await SiloProcess.StartAsync(options);
        _options.Progress?.Invoke($"Silo {options.Name} is ready: {silo.BaseAddress.ToString().TrimEnd('/')} (silo port {silo.SiloPort}, gateway port {silo.GatewayPort}, PID {silo.ProcessId})");
        return silo;
    }

    private SiloOptions SiloOptionsFor(string name, int index)
    {
        var options = new SiloOptions
        {
            Name = name,
            ConnectionString = ConnectionString,
            ClusterId = ClusterId,
            Settings = SettingsOfSilos(),
            AppDll = _options.AppDll,
            ContentRoot = _options.ContentRoot,
            LogFile = _options.Detached ? Path.Combine(Directory, $"silo{index + 1}.log") : null,
            StopWithThisProcess = !_options.Detached,
            StartTimeout = _options.SiloStartTimeout,
        };
        return _options.ConfigureSilo?.Invoke(options) ?? options;
    }

    // The certificates first, so that a test's own settings can replace them.
    private Dictionary<string, string> SettingsOfSilos()
    {
        var settings = Certificates?.SiloSettings() ?? [];
        foreach (var (key, value) in _options.Settings) settings[key] = value;
        return settings;
    }

    private static Process? TryGetProcess(int pid)
    {
        try
        {
            return Process.GetProcessById(pid);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}
