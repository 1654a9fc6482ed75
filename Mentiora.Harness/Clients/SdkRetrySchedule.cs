namespace Mentiora.Harness.Clients;

/// <summary>
/// How the published Mentiora SDKs (TypeScript and Python) retry: 5xx, 429 and network errors are retried 3 times,
/// after a random 0–1 s, then 2 s, then 4 s (Retry-After is honoured on 429 only); each attempt times out after 30 s;
/// after the fourth failed attempt the trace is dropped.
/// </summary>
public sealed record SdkRetrySchedule
{
    /// <summary>The schedule of the published SDKs' defaults.</summary>
    public static SdkRetrySchedule Published { get; } = new();

    /// <summary>Retries after the first attempt.</summary>
    public int Retries { get; init; } = 3;

    /// <summary>The longest random wait before the first retry (the shortest is zero).</summary>
    public TimeSpan FirstWaitAtMost { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The wait before the second retry; each later one doubles it.</summary>
    public TimeSpan SecondWait { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How long one attempt may take before the SDK abandons it as a timeout.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The wait before retry number <paramref name="retry"/> (1-based), given a random number in [0, 1).</summary>
    public TimeSpan WaitBefore(int retry, double random) =>
        retry <= 1 ? FirstWaitAtMost * random : SecondWait * Math.Pow(2, retry - 2);
}
