namespace Mentiora.Web.Traces;

/// <summary>Settings of the background trace retention (configuration section <c>Traces:Retention</c>).</summary>
public sealed class TraceRetentionOptions
{
    /// <summary>Minutes between sweeps; 0 switches the background sweeps off (nothing is removed then).</summary>
    public double SweepMinutes { get; set; } = 60;

    /// <summary>Traces removed in one transaction at most; small batches keep every lock short.</summary>
    public int BatchSize { get; set; } = 1_000;

    /// <summary>How long after start the first sweep runs: soon, but not while the silo is still joining and warming up.</summary>
    public static readonly TimeSpan FirstSweepDelay = TimeSpan.FromMinutes(5);

    /// <summary>The pause between two batches, so the trace writer's commits are never queued behind a run of deletes.</summary>
    public static readonly TimeSpan PauseBetweenBatches = TimeSpan.FromMilliseconds(50);
}
