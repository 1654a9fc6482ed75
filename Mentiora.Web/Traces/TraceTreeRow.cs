namespace Mentiora.Web.Traces;

/// <summary>
/// One span in the trace's tree, in reading order: its depth under the root, where it starts
/// after the trace's start, and whether its parent was never received (it then hangs under the root).
/// </summary>
public sealed record TraceTreeRow(TraceSpan Span, int Depth, double OffsetMs, bool ParentNotReceived);
