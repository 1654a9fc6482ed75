namespace Mentiora.Harness.Faults;

/// <summary>The shape of a fault drill: the steady load, how long to warm up, how long to wait for service to settle.</summary>
public sealed record FaultDrillOptions
{
    /// <summary>The defaults: 8 steady clients pausing 20 ms, 2 s of warm-up, 15 s for 202-only to resume, held for 3 s.</summary>
    public static FaultDrillOptions Default { get; } = new();

    /// <summary>Closed-loop clients sending one trace at a time throughout the drill.</summary>
    public int SteadyClients { get; init; } = 8;

    /// <summary>Each steady client's pause after a delivery ended.</summary>
    public TimeSpan SteadyPause { get; init; } = TimeSpan.FromMilliseconds(20);

    /// <summary>Traffic before the fault, so it hits a busy cluster with connections and grains warm.</summary>
    public TimeSpan WarmUp { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How long after the fault ended the drill waits for 202-only to resume before it gives up watching.</summary>
    public TimeSpan RecoveryBound { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How long only 202s must come after service resumed, to show it stays resumed.</summary>
    public TimeSpan SteadyFor { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Most requests of the steady load, whatever happens.</summary>
    public int MostSteadyRequests { get; init; } = 30_000;

    /// <summary>Seeds the senders' random waits, so a run's retry schedule can be replayed; random when null.</summary>
    public int? Seed { get; init; }

    /// <summary>For <see cref="Fault.WriteBurst"/>: what each insert statement is slowed by, which sets the write capacity.</summary>
    public TimeSpan SlowCommitBy { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>For <see cref="Fault.WriteBurst"/>: most traces per commit (Traces:MaxBatchSize of the silos).</summary>
    public int BurstMaxBatchSize { get; init; } = 10;

    /// <summary>For <see cref="Fault.WriteBurst"/>: events per burst request (a whole batch, so the burst needs few connections).</summary>
    public int BurstEventsPerRequest { get; init; } = 10;

    /// <summary>For <see cref="Fault.WriteBurst"/>: the burst's rate as a multiple of the measured capacity.</summary>
    public double BurstTimesCapacity { get; init; } = 3;

    /// <summary>For <see cref="Fault.WriteBurst"/>: how long the burst lasts.</summary>
    public TimeSpan BurstDuration { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>For <see cref="Fault.WriteBurst"/>: most burst requests in flight at once.</summary>
    public int BurstMaxInFlight { get; init; } = 400;

    /// <summary>For <see cref="Fault.WriteBurst"/>: how long the capacity is measured under saturating load.</summary>
    public TimeSpan CapacityWindow { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>For <see cref="Fault.StopPostgres"/>: how long the database stays stopped.</summary>
    public TimeSpan PostgresDownFor { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>For <see cref="Fault.RollingRestart"/>: how long a silo may take to exit after SIGTERM before it is killed.</summary>
    public TimeSpan SiloStopTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
