using Mentiora.Web.Traces;

namespace Mentiora.Web.Api;

/// <summary>A validated trace event as the SDK sent it, before it is tied to a project.</summary>
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
    string Json)
{
    /// <summary>The row to store for this event, sent with the given key.</summary>
    public TraceRecord ToRecord(Guid projectId, Guid keyId, DateTimeOffset receivedAt) => new(
        projectId, keyId, receivedAt, TraceId, SpanId, ParentSpanId, ThreadId, Name, Type, StartTime, EndTime,
        DurationMs, Model, Provider, PromptTokens, CompletionTokens, TotalTokens, Tags, Json);
}
