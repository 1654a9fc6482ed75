namespace Mentiora.Web.Traces;

/// <summary>One span of a conversation (a thread): enough to group it into its trace's turn and read that turn's text.</summary>
public sealed record ConversationSpan(
    Guid TraceId,
    Guid SpanId,
    Guid? ParentSpanId,
    string Name,
    DateTimeOffset StartTime,
    string? EndUserId,
    string? EndUserName,
    string Event);
