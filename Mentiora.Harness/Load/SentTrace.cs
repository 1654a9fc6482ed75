using Mentiora.Harness.Clients;

namespace Mentiora.Harness.Load;

/// <summary>One trace event a load sent, and what became of the request that carried it (shared by the events of one batch request).</summary>
/// <param name="Load">Which load sent it ("steady", "burst", …), for reports.</param>
/// <param name="TraceId">The event's trace_id.</param>
/// <param name="SpanId">The event's span_id.</param>
/// <param name="SentAt">When its request was first sent, on the shared clock.</param>
/// <param name="Delivery">Every attempt of its request and whether it was stored.</param>
public sealed record SentTrace(string Load, Guid TraceId, Guid SpanId, TimeSpan SentAt, Delivery Delivery);
