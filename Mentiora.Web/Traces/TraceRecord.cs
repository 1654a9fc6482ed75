namespace Mentiora.Web.Traces;

/// <summary>One trace as it is stored: the event, the key that sent it, and when it arrived.</summary>
public sealed record TraceRecord(Guid ProjectId, Guid KeyId, DateTimeOffset ReceivedAt, TraceEvent Event);
