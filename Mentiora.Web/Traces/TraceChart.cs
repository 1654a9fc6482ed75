namespace Mentiora.Web.Traces;

/// <summary>Traces and tokens per hour (windows up to a day) or per day (longer), every bucket of the window present, empty ones as zeros.</summary>
public sealed record TraceChart(bool Hourly, IReadOnlyList<TraceChartBucket> Buckets);
