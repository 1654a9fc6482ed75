namespace Mentiora.Harness.Silos;

/// <summary>How a <see cref="SiloProcess"/> is started: its storage, its cluster, its settings and where its output goes.</summary>
/// <remarks>
/// Usage: <c>new SiloOptions { Name = "A", ConnectionString = cs, ClusterId = "c1", Settings = { ["Traces__QueueCapacity"] = "4" } }</c>;
/// without a connection string the silo runs on its embedded SQLite file.
/// </remarks>
public sealed record SiloOptions
{
    /// <summary>What messages call this silo ("A", "1").</summary>
    public string Name { get; init; } = "1";

    /// <summary>The PostgreSQL database of the cluster; null runs the silo on its embedded SQLite storage (one silo, localhost clustering).</summary>
    public string? ConnectionString { get; init; }

    /// <summary>The Orleans cluster id; silos with the same one on one database form one cluster.</summary>
    public string ClusterId { get; init; } = "mentiora";

    /// <summary>The Orleans service id (names the stored grain state); the cluster id when null.</summary>
    public string? ServiceId { get; init; }

    /// <summary>App settings as environment variables (':' written as '__'), applied after the harness's own so they win.</summary>
    public IDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();

    /// <summary>The Mentiora.Web.dll to run; the one beside this program when null.</summary>
    public string? AppDll { get; init; }

    /// <summary>The working directory; the dll's folder when null. The app finds its content root (appsettings.json, wwwroot) from the dll, not from here.</summary>
    public string? ContentRoot { get; init; }

    /// <summary>
    /// When set, the silo's output is appended to this file and the silo runs in a session of its own, so it outlives this
    /// process (the command line's <c>start</c>). When null, the output is read through pipes and kept in memory.
    /// </summary>
    public string? LogFile { get; init; }

    /// <summary>True: a watchdog kills the silo when this process goes away, however it ends (tests).</summary>
    public bool StopWithThisProcess { get; init; } = true;

    /// <summary>Whether this process's own environment is inherited (the command line passes the caller's app settings on this way).</summary>
    public bool InheritEnvironment { get; init; } = true;

    /// <summary>How long the silo may take to answer /readyz with 200.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Every line the silo writes (both streams), as it arrives; only with in-memory output.</summary>
    public Action<SiloProcess, string>? OnOutputLine { get; init; }

    /// <summary>A line that falls out of the kept output (a runaway silo), with its 1-based line number.</summary>
    public Action<SiloProcess, string, int>? OnLineDropped { get; init; }

    /// <summary>Runs once the process has exited during <see cref="SiloProcess.DisposeAsync"/>, when every line is in (e.g. to scan the output).</summary>
    public Func<SiloProcess, Task>? AfterStop { get; init; }

    /// <summary>Wraps the handler of every client <see cref="SiloProcess.CreateClient"/> makes (e.g. to watch the answers).</summary>
    public Func<SiloProcess, HttpMessageHandler, HttpMessageHandler>? WrapClientHandler { get; init; }
}
