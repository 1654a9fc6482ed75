namespace Mentiora.Web.Traces;

/// <summary>One stored trace as the Traces page lists it; <see cref="Event"/> is filled only for the detail view.</summary>
public sealed record TraceRow(
    long Id,
    DateTimeOffset ReceivedAt,
    Guid TraceId,
    Guid SpanId,
    Guid? ThreadId,
    string Name,
    string Type,
    DateTimeOffset StartTime,
    double? DurationMs,
    string? Model,
    string? Provider,
    Guid KeyId,
    string? EndUserId,
    string? EndUserName,
    long? PromptTokens,
    long? CompletionTokens,
    long? TotalTokens,
    string? Event);
