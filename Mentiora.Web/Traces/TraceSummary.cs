namespace Mentiora.Web.Traces;

/// <summary>One trace as the Traces list shows it: its root span's name, type, key and end user, and totals over all its spans received so far.</summary>
public sealed record TraceSummary(
    Guid TraceId,
    DateTimeOffset StartTime,
    DateTimeOffset EndTime,
    int SpanCount,
    long TotalTokens,
    bool HasError,
    Guid? RootSpanId,
    string Name,
    string Type,
    Guid KeyId,
    string? EndUserId,
    string? EndUserName,
    Guid? ThreadId)
{
    /// <summary>From the earliest start to the latest end of its spans.</summary>
    public TimeSpan Duration => EndTime - StartTime;
}
