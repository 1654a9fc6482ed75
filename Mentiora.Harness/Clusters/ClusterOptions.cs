using Mentiora.Harness.Postgres;
using Mentiora.Harness.Silos;

namespace Mentiora.Harness.Clusters;

/// <summary>What a <see cref="Cluster"/> starts: how many silos, on which database, whether nginx goes in front, where files go.</summary>
/// <remarks>
/// Usage: <c>new ClusterOptions { Silos = 2, ConnectionString = cs }</c> (tests: a database of their own) or
/// <c>new ClusterOptions { Silos = 3, Nginx = true, Directory = "/tmp/c", Detached = true }</c> (the command line).
/// </remarks>
public sealed record ClusterOptions
{
    /// <summary>How many silos.</summary>
    public int Silos { get; init; } = 2;

    /// <summary>What messages call silo i (0-based); "1", "2", … by default.</summary>
    public Func<int, string> SiloName { get; init; } = i => (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The Orleans cluster and service id; unique when null, so clusters started side by side never meet.</summary>
    public string? ClusterId { get; init; }

    /// <summary>The database to use. When null, a database on <see cref="Postgres"/> or on a PostgreSQL of the cluster's own.</summary>
    public string? ConnectionString { get; init; }

    /// <summary>A running server to create the cluster's database on (not stopped with the cluster).</summary>
    public ThrowawayPostgres? Postgres { get; init; }

    /// <summary>The name of the database the cluster creates on its server; a unique one when null.</summary>
    public string? DatabaseName { get; init; }

    /// <summary>Real commits on a PostgreSQL of the cluster's own (benchmarks, the command line).</summary>
    public bool DurablePostgres { get; init; }

    /// <summary>nginx in front of the silos, balancing them on <see cref="NginxPort"/>.</summary>
    public bool Nginx { get; init; }

    /// <summary>Networks of TLS-terminating proxies in front of nginx whose X-Forwarded-Proto nginx passes on (e.g. "127.0.0.1/32"); none by default.</summary>
    public IReadOnlyList<string> NginxOuterProxies { get; init; } = [];

    /// <summary>The load balancer's port; 0 picks a free one.</summary>
    public int NginxPort { get; init; }

    /// <summary>The cluster's folder (silo logs when detached, nginx/, postgres/); a fresh one, removed at the end, when null.</summary>
    public string? Directory { get; init; }

    /// <summary>
    /// True: every process outlives this one (output in files, sessions of their own, no watchdog), for the command line's
    /// <c>start</c>. False: they all go when this process goes.
    /// </summary>
    public bool Detached { get; init; }

    /// <summary>Start the silos one after the other, each ready before the next (a deployment scaling out); else all at once.</summary>
    public bool OneByOne { get; init; } = true;

    /// <summary>Runs when the first silo is ready and before the second starts (only with <see cref="OneByOne"/>): it can only activate grains on the first.</summary>
    public Func<SiloProcess, Task>? WhileFirstIsAlone { get; init; }

    /// <summary>
    /// True (the default): a self-signed certificate is made at start into the cluster's folder and given to every silo, so
    /// silo and gateway connections use mutual TLS and the key ring is encrypted, as a deployment should run.
    /// </summary>
    public bool Tls { get; init; } = true;

    /// <summary>The silos' settings, as environment variables.</summary>
    public IDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();

    /// <summary>The Mentiora.Web.dll to run and its content root; the dll beside this program when null.</summary>
    public string? AppDll { get; init; }

    /// <summary>The silos' working directory (content root).</summary>
    public string? ContentRoot { get; init; }

    /// <summary>How long a silo may take to be ready (the first start creates the schema).</summary>
    public TimeSpan SiloStartTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long silos get to leave the cluster on SIGTERM when the cluster stops; null kills them at once.</summary>
    public TimeSpan? SiloStopTimeout { get; init; }

    /// <summary>Adds to each silo's options (e.g. hooks that watch its output); runs for replacements too.</summary>
    public Func<SiloOptions, SiloOptions>? ConfigureSilo { get; init; }

    /// <summary>Runs once every process has stopped, before the database server and the folder go (e.g. to scan the database).</summary>
    public Func<Cluster, Task>? AfterStop { get; init; }

    /// <summary>Receives a line per long step, for a command line's progress output.</summary>
    public Action<string>? Progress { get; init; }
}
