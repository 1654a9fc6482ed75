namespace Mentiora.Tests.Infrastructure;

/// <summary>
/// One answer a client of the ingestion API got, as an SDK would judge it.
/// </summary>
/// <param name="AnsweredAt">When it came, on the load's clock.</param>
/// <param name="Outcome">What it was, for counting: "202", "503 unavailable: message", "connection error", "no answer within 10 s".</param>
/// <param name="Accepted">True for a 202: the trace is stored.</param>
/// <param name="Breach">Why an SDK could not handle it (neither 202, nor a JSON 503 with Retry-After, nor a failed connection); null when it could.</param>
public sealed record TraceAnswer(TimeSpan AnsweredAt, string Outcome, bool Accepted, string? Breach);
