namespace Mentiora.Web.Traces;

/// <summary>
/// A validated trace event as the SDK sent it: the fields the dashboard filters on, and the whole event as JSON.
/// <see cref="HasError"/> is true for a span of type <c>error</c> or one that carries an <c>error</c> object.
/// </summary>
public sealed record TraceEvent(
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
    string Json,
    bool HasError = false);
