namespace Mentiora.Web.Traces;

/// <summary>Writes a batch of traces in one database round trip; the batch is durable when the task completes, or none of it is stored.</summary>
public interface ITraceBatchSink
{
    /// <summary>
    /// Stores every trace of the batch atomically. <paramref name="giveUp"/> may end the write only
    /// while nothing of it can have been committed (say, while the connection opens), never once the
    /// commit may be under way: a write it ended has stored nothing.
    /// </summary>
    Task WriteAsync(IReadOnlyList<TraceRecord> batch, CancellationToken giveUp);

    /// <summary>How many batches the database usefully takes at the same time.</summary>
    int ConcurrentWrites { get; }
}
