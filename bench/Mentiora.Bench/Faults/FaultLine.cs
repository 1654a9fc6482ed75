namespace Mentiora.Bench.Faults;

/// <summary>One fault's row in summary.md: what clients retrying like the SDKs saw while it happened.</summary>
/// <param name="Fault">The fault's name, as the table shows it.</param>
/// <param name="Description">What was done (which silo, how long the database was down, the measured capacity…).</param>
/// <param name="Traces">Traces sent during the whole drill.</param>
/// <param name="Retried">Requests that needed more than one attempt.</param>
/// <param name="Failed">Traces the SDK would have dropped after its last retry.</param>
/// <param name="P99Seconds">99th percentile of client-visible latency (retries included) of the requests sent during the fault.</param>
/// <param name="MaxSeconds">The longest client-visible latency of those requests.</param>
/// <param name="ResumedAfterSeconds">Seconds after the fault ended when only 202s came again; null when they never did.</param>
/// <param name="Stored">The row check: every 202 a row, each (trace_id, span_id) once.</param>
public sealed record FaultLine(
    string Fault, string Description, int Traces, int Retried, int Failed, double P99Seconds, double MaxSeconds, double? ResumedAfterSeconds, string Stored);
