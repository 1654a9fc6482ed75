namespace Mentiora.Web.Traces;

/// <summary>Settings of the trace writer (configuration section <c>Traces</c>).</summary>
public sealed class TraceWriterOptions
{
    /// <summary>Traces accepted but not yet committed (queued or held) at most; beyond it requests get 503 instead of growing memory.</summary>
    public int QueueCapacity { get; set; } = 10_000;

    /// <summary>
    /// Estimated memory of the traces accepted but not yet committed, at most; beyond it requests
    /// get 503. Keeps holding traces through an outage from exhausting memory when events are large.
    /// </summary>
    public long QueueBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>
    /// Seconds a request waits for its commit at most, riding out a database that is briefly
    /// unreachable; then it is answered 503. Below the SDKs' 30 s request timeout.
    /// </summary>
    public double RideThroughSeconds { get; set; } = 20;

    /// <summary>Most traces committed in one batch.</summary>
    public int MaxBatchSize { get; set; } = 512;

    /// <summary>Batches committed at the same time; unset, the database's own choice (<see cref="ITraceBatchSink.ConcurrentWrites"/>).</summary>
    public int? ConcurrentWrites { get; set; }
}
