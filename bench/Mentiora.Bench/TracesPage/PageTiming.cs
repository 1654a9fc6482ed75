namespace Mentiora.Bench.TracesPage;

/// <summary>
/// One page timed with sequential requests: what it is, the path asked, the status of its answers (null when it
/// answered more than one), the body's size, and the latency percentiles in milliseconds (null when it was not measured).
/// </summary>
public sealed record PageTiming(string Page, string Path, int? Status, int Bytes, int Requests, double? P50Ms, double? P95Ms, double? P99Ms);
