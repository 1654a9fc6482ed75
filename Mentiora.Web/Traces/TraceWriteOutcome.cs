namespace Mentiora.Web.Traces;

/// <summary>What became of a trace handed to the writer.</summary>
public enum TraceWriteOutcome
{
    /// <summary>Committed to the database.</summary>
    Stored,

    /// <summary>The queue is full; nothing was stored and the client should retry later.</summary>
    QueueFull,

    /// <summary>The database refused or could not be reached; nothing was stored.</summary>
    StorageFailed,
}
