namespace Mentiora.Web.Traces;

/// <summary>One bar of the Traces chart: the traces that started in the hour or day beginning at <see cref="Start"/>, and their tokens.</summary>
public sealed record TraceChartBucket(DateTimeOffset Start, long Traces, long Tokens);
