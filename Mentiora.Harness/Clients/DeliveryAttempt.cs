namespace Mentiora.Harness.Clients;

/// <summary>One HTTP attempt of a delivery: when it started on the shared clock, how long it took and what came back.</summary>
/// <param name="StartedAt">When the request was sent, on the clock the sender was given.</param>
/// <param name="Duration">Until the answer (or the failure) was complete.</param>
/// <param name="Status">The HTTP status, or null when the attempt got no answer.</param>
/// <param name="Failure">Why there was no answer (<see cref="AttemptFailure.None"/> when there was one).</param>
/// <param name="ErrorCode">error.code of a JSON error body, when there was one.</param>
/// <param name="ErrorMessage">error.message of a JSON error body, when there was one.</param>
/// <param name="RetryAfterPresent">True when the answer carried a Retry-After header.</param>
/// <param name="RetryAfterSeconds">The Retry-After header as seconds from the answer, when it had one.</param>
/// <param name="ContentType">The answer's media type (e.g. application/json), when it had a body.</param>
/// <param name="Body">The start of a non-2xx body, to explain an unexpected answer.</param>
public sealed record DeliveryAttempt(
    TimeSpan StartedAt,
    TimeSpan Duration,
    int? Status,
    AttemptFailure Failure,
    string? ErrorCode,
    string? ErrorMessage,
    bool RetryAfterPresent,
    double? RetryAfterSeconds,
    string? ContentType,
    string? Body)
{
    /// <summary>True for a 2xx answer: the trace is stored.</summary>
    public bool Accepted => Status is >= 200 and < 300;

    /// <summary>When the attempt ended, on the shared clock.</summary>
    public TimeSpan EndedAt => StartedAt + Duration;

    /// <summary>True when the published SDKs would try again after this attempt: 5xx, 429, a lost connection or a timeout.</summary>
    public bool Retryable => Failure != AttemptFailure.None || Status is 429 or >= 500;

    /// <summary>"202", "503 unavailable", "lost connection", "timeout": what to count attempts by.</summary>
    public string Outcome => Failure switch
    {
        AttemptFailure.LostConnection => "lost connection",
        AttemptFailure.Timeout => "timeout",
        _ => ErrorCode is null ? $"{Status}" : $"{Status} {ErrorCode}",
    };
}
