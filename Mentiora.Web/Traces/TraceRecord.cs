using Mentiora.Grains.Keys;

namespace Mentiora.Web.Traces;

/// <summary>One trace as it is stored: the event, the key that sent it, when it arrived, and the end user a browser sent it for.</summary>
public sealed record TraceRecord(Guid ProjectId, Guid KeyId, DateTimeOffset ReceivedAt, TraceEvent Event, EndUser? EndUser = null);
