namespace Mentiora.Web.Traces;

/// <summary>Settings of the trace writer (configuration section <c>Traces</c>).</summary>
public sealed class TraceWriterOptions
{
    /// <summary>Traces waiting for the database at most; beyond it requests get 503 instead of growing memory.</summary>
    public int QueueCapacity { get; set; } = 10_000;

    /// <summary>Most traces committed in one batch.</summary>
    public int MaxBatchSize { get; set; } = 512;

    /// <summary>Batches committed at the same time; unset, the database's own choice (<see cref="ITraceBatchSink.ConcurrentWrites"/>).</summary>
    public int? ConcurrentWrites { get; set; }
}
