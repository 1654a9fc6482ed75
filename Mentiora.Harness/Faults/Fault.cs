namespace Mentiora.Harness.Faults;

/// <summary>The short faults a cluster sees every day, which must cost clients latency, never traces.</summary>
public enum Fault
{
    /// <summary><c>kill -9</c> of one of two silos under steady load; it lasts until the cluster has declared the silo dead.</summary>
    KillSilo,

    /// <summary>PostgreSQL stopped for 10 s, then started again.</summary>
    StopPostgres,

    /// <summary>A burst of three times the measured write capacity for 5 s.</summary>
    WriteBurst,

    /// <summary>Both silos restarted one after the other (SIGTERM, wait until it exited, start it again, wait until ready).</summary>
    RollingRestart,
}
