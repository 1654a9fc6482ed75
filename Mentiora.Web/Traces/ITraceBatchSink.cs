namespace Mentiora.Web.Traces;

/// <summary>Writes a batch of traces in one database round trip; the batch is durable when the task completes, or none of it is stored.</summary>
public interface ITraceBatchSink
{
    /// <summary>Stores every trace of the batch atomically.</summary>
    Task WriteAsync(IReadOnlyList<TraceRecord> batch, CancellationToken cancellationToken);

    /// <summary>How many batches the database usefully takes at the same time.</summary>
    int ConcurrentWrites { get; }
}
