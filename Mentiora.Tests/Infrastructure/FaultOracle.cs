using System.Globalization;
using Mentiora.Harness.Clients;
using Mentiora.Harness.Faults;
using Mentiora.Harness.Postgres;

namespace Mentiora.Tests.Infrastructure;

/// <summary>
/// The one judge of every fault test. While a fault lasts a client retrying like the SDKs may see only a 202, a JSON 503
/// with Retry-After, or a lost connection (or timeout); once it is over, only 202s, soon; no trace fails at the client;
/// every 202 is a row in the database; nothing is stored twice.
/// </summary>
public static class FaultOracle
{
    /// <summary>Why an SDK could not ride out this answer (neither 202, nor a JSON 503 with Retry-After, nor a lost connection or timeout); null when it could.</summary>
    public static string? Breach(DeliveryAttempt attempt)
    {
        if (attempt.Failure != AttemptFailure.None || attempt.Status == 202) return null;
        if (attempt.Status != 503) return $"answered {attempt.Status}: {attempt.Body}";
        if (!attempt.RetryAfterPresent) return $"a 503 without Retry-After: {attempt.Body}";
        if (attempt.ContentType != "application/json" || string.IsNullOrWhiteSpace(attempt.ErrorCode) || string.IsNullOrWhiteSpace(attempt.ErrorMessage))
        {
            return $"a 503 that is not the JSON error {{\"error\":{{\"code\":…,\"message\":…}}}} (Content-Type {attempt.ContentType}): {attempt.Body}";
        }

        return null;
    }

    /// <summary>
    /// Fails the test unless the drill kept every promise: only the answers above, 202-only again within
    /// <paramref name="recoveryBound"/> of the fault's end (and still so at the end), no failure at the client, every 202 stored,
    /// each (trace_id, span_id) stored once. <paramref name="logs"/> explains a failure.
    /// </summary>
    public static async Task AssertSurvivedAsync(FaultDrillResult result, string connectionString, TimeSpan recoveryBound, Func<string> logs)
    {
        var breaches = result.Attempts.Select(a => (a, Breach: Breach(a))).Where(b => b.Breach is not null).ToList();
        Assert.True(breaches.Count == 0,
            $"{breaches.Count} answers were neither 202, nor a JSON 503 with Retry-After, nor a lost connection: "
            + string.Join(" | ", breaches.Select(b => $"at {Seconds(b.a.StartedAt)} {b.Breach}").Distinct().Take(5)) + $"\n{logs()}");

        var failures = result.Failures;
        Assert.True(failures.Count == 0,
            $"{failures.Count} of {result.Traces.Count} traces failed at the client (dropped after the SDKs' last retry), e.g. "
            + string.Join("; ", failures.Select(f => f.Delivery).Distinct().Take(3).Select(d =>
                $"sent at {Seconds(d.StartedAt)}: {string.Join(", ", d.Attempts.Select(a => $"{a.Outcome} at {Seconds(a.StartedAt)}"))}"))
            + $"\n{logs()}");

        var resumed = result.ResumedAt;
        var lastAnswer = result.Attempts.Max(a => a.EndedAt);
        Assert.True(resumed is { } at && at - result.FaultEndedAt <= recoveryBound && lastAnswer - at >= TimeSpan.FromSeconds(1),
            $"only 202s should come again within {recoveryBound.TotalSeconds:0} s of the fault's end ({Seconds(result.FaultEndedAt)}) and stay so; "
            + $"202-only resumed at {(resumed is null ? "never" : Seconds(resumed.Value))}, last answer at {Seconds(lastAnswer)}; the last refusals: "
            + string.Join(", ", result.Attempts.Where(a => !a.Accepted).OrderBy(a => a.EndedAt).TakeLast(5).Select(a => $"{Seconds(a.EndedAt)} {a.Outcome}"))
            + $"\n{logs()}");

        var delivered = result.Delivered.Select(t => (t.TraceId, t.SpanId)).ToHashSet();
        Assert.NotEmpty(delivered);
        var stored = await StoredTraces.SpansAsync(connectionString);
        var missing = delivered.Except(stored).ToList();
        Assert.True(missing.Count == 0,
            $"{missing.Count} of {delivered.Count} traces answered 202 are not in the database, e.g. {string.Join(", ", missing.Take(5))}");

        var twice = await StoredTraces.StoredTwiceAsync(connectionString);
        Assert.True(twice.Count == 0, $"{twice.Count} (trace_id, span_id) pairs are stored more than once, e.g. {string.Join(", ", twice.Take(5))}");
    }

    /// <summary>Fails the test unless clients noticed the fault at all (a refusal, or a delivery slower than <paramref name="atLeast"/>): otherwise it measured nothing.</summary>
    public static void AssertWasFelt(FaultDrillResult result, TimeSpan atLeast) =>
        Assert.True(result.DuringFault.Any(d => d.Retried || d.Latency >= atLeast),
            $"no client noticed the fault (no retry, no delivery slower than {atLeast.TotalSeconds:0.#} s): the drill did not test it. {result.Summary()}");

    private static string Seconds(TimeSpan at) => at.TotalSeconds.ToString("0.00 s", CultureInfo.InvariantCulture);
}
