using System.Globalization;
using Mentiora.Harness.Clients;
using Mentiora.Harness.Load;

namespace Mentiora.Harness.Faults;

/// <summary>What clients retrying like the SDKs saw while a fault happened: every trace sent, when the fault began and ended, and when service settled.</summary>
/// <param name="Fault">Which fault was drilled.</param>
/// <param name="Description">What was done, in words (which silo, which process, the measured capacity…).</param>
/// <param name="FaultStartedAt">When the fault began, on the shared clock.</param>
/// <param name="FaultEndedAt">When the fault was over (for a kill: when the cluster declared the silo dead), on the shared clock.</param>
/// <param name="Traces">Every trace sent, by every load of the drill (steady, burst, capacity measurement).</param>
/// <param name="WriteCapacityPerSecond">For <see cref="Fault.WriteBurst"/>: the traces per second the cluster committed under saturating load.</param>
public sealed record FaultDrillResult(
    Fault Fault,
    string Description,
    TimeSpan FaultStartedAt,
    TimeSpan FaultEndedAt,
    IReadOnlyList<SentTrace> Traces,
    double? WriteCapacityPerSecond = null)
{
    /// <summary>Each request's delivery once (the events of a batch request share one).</summary>
    public IReadOnlyList<Delivery> Deliveries => Traces.Select(t => t.Delivery).Distinct().ToList();

    /// <summary>Every attempt of every delivery.</summary>
    public IReadOnlyList<DeliveryAttempt> Attempts => Deliveries.SelectMany(d => d.Attempts).ToList();

    /// <summary>Traces the SDK would have dropped: their request failed its last attempt (or one it does not retry).</summary>
    public IReadOnlyList<SentTrace> Failures => Traces.Where(t => !t.Delivery.Delivered).ToList();

    /// <summary>Traces answered 202: each must be a row in the database.</summary>
    public IReadOnlyList<SentTrace> Delivered => Traces.Where(t => t.Delivery.Delivered).ToList();

    /// <summary>
    /// When 202-only resumed: the first 202 answered after the fault ended and after the last answer that was not a 202; null
    /// when the last answer was not a 202 (service never settled while the drill watched).
    /// </summary>
    public TimeSpan? ResumedAt => ResumedAfter(Attempts, FaultEndedAt);

    /// <summary>
    /// When the fault's effects were over as far as clients could tell: 202-only had resumed (<see cref="ResumedAt"/>, or the
    /// last answer when it never did) and every request in flight while the fault lasted had ended.
    /// </summary>
    public TimeSpan SettledAt
    {
        get
        {
            var resumed = ResumedAt ?? Attempts.Select(a => a.EndedAt).DefaultIfEmpty(FaultEndedAt).Max();
            var lastHit = Deliveries.Where(d => d.EndedAt >= FaultStartedAt && d.StartedAt <= FaultEndedAt).Select(d => d.EndedAt).DefaultIfEmpty(resumed).Max();
            return lastHit > resumed ? lastHit : resumed;
        }
    }

    /// <summary>Deliveries in flight at any time from the fault's start to <see cref="SettledAt"/>: the ones the fault could hurt.</summary>
    public IReadOnlyList<Delivery> DuringFault
    {
        get
        {
            var settled = SettledAt;
            return Deliveries.Where(d => d.EndedAt >= FaultStartedAt && d.StartedAt <= settled).ToList();
        }
    }

    /// <summary>The 99th percentile of client-visible latency (retries included) of <see cref="DuringFault"/>.</summary>
    public TimeSpan P99LatencyDuringFault => Percentile(DuringFault.Select(d => d.Latency).ToList(), 0.99);

    /// <summary>The longest client-visible latency (retries included) of <see cref="DuringFault"/>.</summary>
    public TimeSpan MaxLatencyDuringFault => DuringFault.Select(d => d.Latency).DefaultIfEmpty().Max();

    /// <summary>Deliveries that needed more than one attempt.</summary>
    public int RetriedDeliveries => Deliveries.Count(d => d.Retried);

    /// <summary>One line for a report: traces sent, retried, failed, p99 and max latency during the fault, and when 202-only resumed.</summary>
    public string Summary()
    {
        var attempts = Attempts.GroupBy(a => a.Outcome).OrderByDescending(g => g.Count()).Select(g => $"{g.Count()}×{g.Key}");
        var resumed = ResumedAt is { } at ? $"{(at - FaultEndedAt).TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s after the fault ended" : "never";
        return string.Create(CultureInfo.InvariantCulture,
            $"{Fault}: {Description}; fault {FaultStartedAt.TotalSeconds:0.0}–{FaultEndedAt.TotalSeconds:0.0} s; {Traces.Count} traces in {Deliveries.Count} requests, "
            + $"{RetriedDeliveries} retried ({Attempts.Count - Deliveries.Count} retries), {Failures.Count} failed at the client; during the fault ({DuringFault.Count} requests) p99 "
            + $"{P99LatencyDuringFault.TotalSeconds:0.00} s, max {MaxLatencyDuringFault.TotalSeconds:0.00} s; 202-only again {resumed}; attempts: {string.Join(", ", attempts)}");
    }

    /// <summary>The first 202 answered at or after <paramref name="since"/> and after the last attempt that was not a 202; null when none.</summary>
    public static TimeSpan? ResumedAfter(IReadOnlyCollection<DeliveryAttempt> attempts, TimeSpan since)
    {
        var lastRefusal = attempts.Where(a => !a.Accepted).Select(a => a.EndedAt).DefaultIfEmpty(since).Max();
        var from = lastRefusal > since ? lastRefusal : since;
        var first = attempts.Where(a => a.Accepted && a.EndedAt >= from).Select(a => (TimeSpan?)a.EndedAt).Min();
        return first;
    }

    private static TimeSpan Percentile(List<TimeSpan> values, double fraction)
    {
        if (values.Count == 0) return TimeSpan.Zero;
        values.Sort();
        // Nearest rank: the smallest value at or above the fraction of all.
        var rank = (int)Math.Ceiling(fraction * values.Count);
        return values[Math.Clamp(rank - 1, 0, values.Count - 1)];
    }
}
