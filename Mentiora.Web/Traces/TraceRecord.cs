namespace Mentiora.Web.Traces;

/// <summary>One trace event as it is stored: the columns the dashboard filters on, and the whole event as sent.</summary>
public sealed record TraceRecord(
    Guid ProjectId,
    Guid KeyId,
    DateTimeOffset ReceivedAt,
    Guid TraceId,
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
    long? PromptTokens,
    long? CompletionTokens,
    long? TotalTokens,
    IReadOnlyList<string>? Tags,
    string EventJson);
