namespace Mentiora.Web.Traces;

/// <summary>One span of a trace with its whole event as sent, for the selected span panel.</summary>
public sealed record SpanWithEvent(TraceSpan Span, string Event);
