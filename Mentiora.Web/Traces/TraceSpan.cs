namespace Mentiora.Web.Traces;

/// <summary>One stored span of a trace as the trace page draws it: its place in the tree and on the timeline, without its event.</summary>
public sealed record TraceSpan(
    Guid SpanId,
    Guid? ParentSpanId,
    Guid? ThreadId,
    string Name,
    string Type,
    DateTimeOffset StartTime,
    DateTimeOffset? EndTime,
    double? DurationMs,
    string? Model,
    string? Provider,
    Guid KeyId,
    string? EndUserId,
    string? EndUserName,
    long? PromptTokens,
    long? CompletionTokens,
    long? TotalTokens,
    bool HasError)
{
    /// <summary>Where the span ends: its end time, else its start plus its duration, else its start (as trace_summaries counts it).</summary>
    public DateTimeOffset End => SpanEnd.Of(StartTime, EndTime, DurationMs);

    /// <summary>Its length in milliseconds: the duration sent, else the time between its start and end.</summary>
    public double LengthMs => DurationMs ?? Math.Max(0, (End - StartTime).TotalMilliseconds);
}
