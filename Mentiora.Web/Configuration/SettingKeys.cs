namespace Mentiora.Web.Configuration;

/// <summary>
/// Every configuration key the app reads, in one place, so the README, docker-compose.yml and the
/// test that compares them cannot drift apart. In environment variables ':' becomes '__'.
/// </summary>
public static class SettingKeys
{
    /// <summary>PostgreSQL connection string; when set, the app runs in PostgreSQL (cluster) mode.</summary>
    public const string PostgresConnectionString = "ConnectionStrings:Postgres";

    /// <summary>The SQLite file of the embedded mode.</summary>
    public const string SqlitePath = "Storage:SqlitePath";

    /// <summary>Largest trace request body, in bytes.</summary>
    public const string MaxBodyBytes = "Ingestion:MaxBodyBytes";

    /// <summary>Largest trace request body with a publishable key (from a browser), in bytes.</summary>
    public const string BrowserMaxBodyBytes = "Ingestion:BrowserMaxBodyBytes";

    /// <summary>Trace requests one publishable key may make per second on one silo (twice as many in a burst); 0 means no limit.</summary>
    public const string PublishableKeyRequestsPerSecond = "Limits:PublishableKeyRequestsPerSecond";

    /// <summary>Traces waiting to be committed at most.</summary>
    public const string TraceQueueCapacity = "Traces:QueueCapacity";

    /// <summary>Most traces committed in one transaction.</summary>
    public const string TraceMaxBatchSize = "Traces:MaxBatchSize";

    /// <summary>Batches committed at the same time (PostgreSQL 2, SQLite 1 when unset).</summary>
    public const string TraceConcurrentWrites = "Traces:ConcurrentWrites";

    /// <summary>Estimated bytes of the traces waiting to be committed at most.</summary>
    public const string TraceQueueBytes = "Traces:QueueBytes";

    /// <summary>Seconds a trace request waits for a briefly unreachable database before it is answered 503.</summary>
    public const string TraceRideThroughSeconds = "Traces:RideThroughSeconds";

    /// <summary>Minutes between background trace retention sweeps; 0 switches them off.</summary>
    public const string TraceRetentionSweepMinutes = "Traces:Retention:SweepMinutes";

    /// <summary>Traces the retention sweep removes in one transaction at most.</summary>
    public const string TraceRetentionBatchSize = "Traces:Retention:BatchSize";

    /// <summary>Orleans cluster id: silos with the same one form one cluster.</summary>
    public const string ClusterId = "Orleans:ClusterId";

    /// <summary>Orleans service id: names the stored grain state; keep it across deployments.</summary>
    public const string ServiceId = "Orleans:ServiceId";

    /// <summary>Port other silos reach this silo on.</summary>
    public const string SiloPort = "Orleans:SiloPort";

    /// <summary>Port Orleans clients reach this silo on.</summary>
    public const string GatewayPort = "Orleans:GatewayPort";

    /// <summary>Address other silos reach this silo at.</summary>
    public const string AdvertisedIP = "Orleans:AdvertisedIP";

    /// <summary>Seconds a silo waits for a probe answer before counting it missed.</summary>
    public const string ProbeTimeoutSeconds = "Orleans:ProbeTimeoutSeconds";

    /// <summary>Missed probes after which a silo is suspected, and then declared dead.</summary>
    public const string MissedProbesLimit = "Orleans:MissedProbesLimit";

    /// <summary>Seconds an API request keeps retrying a grain call whose silo died or is shutting down, before it answers 503.</summary>
    public const string GrainRetrySeconds = "Orleans:GrainRetrySeconds";

    /// <summary>Seconds a stopping silo keeps serving while it answers /readyz with 503 and closes kept-alive connections.</summary>
    public const string ShutdownDrainSeconds = "Shutdown:DrainSeconds";

    /// <summary>Retired: operators used to be named by email; set, it stops the app with a pointer to <see cref="OperatorAccountIds"/>.</summary>
    public const string OperatorEmails = "Operators:Emails";

    /// <summary>Comma-separated account ids (shown on each Account page) of the accounts that may open the Orleans dashboard at /ops/orleans.</summary>
    public const string OperatorAccountIds = "Operators:AccountIds";

    /// <summary>Sign-ups one IP address may make per hour before the form answers 429.</summary>
    public const string SignUpsPerAddressPerHour = "Limits:SignUpsPerAddressPerHour";

    /// <summary>Trace requests one key may make per second on one silo; 0 (the default) means no limit.</summary>
    public const string KeyRequestsPerSecond = "Limits:KeyRequestsPerSecond";

    /// <summary>Failed API authentications one IP address may cause per minute before it is refused with 429.</summary>
    public const string FailedAuthenticationsPerIpPerMinute = "Limits:FailedAuthenticationsPerIpPerMinute";

    /// <summary>Sign-in attempts per minute for one account, and (three times as many) for one IP address.</summary>
    public const string SignInAttemptsPerMinute = "Limits:SignInAttemptsPerMinute";

    /// <summary>Comma-separated networks (CIDR) or addresses of the proxies whose X-Forwarded-For and X-Forwarded-Proto are believed.</summary>
    public const string TrustedProxyNetworks = "Proxy:TrustedNetworks";

    /// <summary>The cluster's certificate (.pfx/.p12, or PEM); when set, silo and gateway connections use mutual TLS with it.</summary>
    public const string ClusterCertificatePath = "Orleans:Tls:CertificatePath";

    /// <summary>The password of the cluster certificate's file (or of its encrypted PEM key).</summary>
    public const string ClusterCertificatePassword = "Orleans:Tls:CertificatePassword";

    /// <summary>The PEM private key of the cluster certificate, when it is not in the certificate's own file.</summary>
    public const string ClusterCertificateKeyPath = "Orleans:Tls:KeyPath";

    /// <summary>The certificate (.pfx/.p12, or PEM with its key) that encrypts the Data Protection key ring at rest.</summary>
    public const string KeyRingCertificatePath = "DataProtection:CertificatePath";

    /// <summary>The password of the key ring certificate's file.</summary>
    public const string KeyRingCertificatePassword = "DataProtection:CertificatePassword";

    /// <summary>The PEM private key of the key ring certificate, when it is not in the certificate's own file.</summary>
    public const string KeyRingCertificateKeyPath = "DataProtection:KeyPath";

    /// <summary>The port of the Prometheus metrics endpoint, apart from the web port so no load balancer can pass it on; 0 turns it off.</summary>
    public const string MetricsPort = "Metrics:Port";

    /// <summary>All of them, for checks that compare deployments with what the app reads.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        PostgresConnectionString, SqlitePath, MaxBodyBytes, TraceQueueCapacity, TraceMaxBatchSize, TraceConcurrentWrites, ClusterId, ServiceId,
        TraceQueueBytes, TraceRideThroughSeconds,
        SiloPort, GatewayPort, AdvertisedIP, ProbeTimeoutSeconds, MissedProbesLimit, OperatorAccountIds,
        KeyRequestsPerSecond, FailedAuthenticationsPerIpPerMinute, SignInAttemptsPerMinute, TrustedProxyNetworks,
        GrainRetrySeconds, ShutdownDrainSeconds,
        BrowserMaxBodyBytes, PublishableKeyRequestsPerSecond,
        SignUpsPerAddressPerHour,
        TraceRetentionSweepMinutes, TraceRetentionBatchSize,
        ClusterCertificatePath, ClusterCertificatePassword, ClusterCertificateKeyPath, KeyRingCertificatePath, KeyRingCertificatePassword, KeyRingCertificateKeyPath, MetricsPort,
    ];

    /// <summary>The environment variable that sets a key.</summary>
    public static string EnvironmentVariable(string key) => key.Replace(":", "__", StringComparison.Ordinal);
}
