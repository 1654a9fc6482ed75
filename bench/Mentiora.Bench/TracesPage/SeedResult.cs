namespace Mentiora.Bench.TracesPage;

/// <summary>
/// What the seed stored: spans and traces in all, the measured project's traces, a typical trace of that project
/// (the median size, from the last week) and its largest one, and how long the COPY took.
/// </summary>
public sealed record SeedResult(long Spans, int Traces, int ProjectTraces, Guid? TypicalTraceId, Guid? LargestTraceId, TimeSpan Took);
