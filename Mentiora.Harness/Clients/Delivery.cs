namespace Mentiora.Harness.Clients;

/// <summary>What became of one request body sent the way the SDKs send it: every attempt, and whether it was stored in the end.</summary>
/// <param name="Delivered">True when an attempt was answered 2xx; false when the SDK would have dropped the trace(s).</param>
/// <param name="StartedAt">When the first attempt started, on the shared clock.</param>
/// <param name="Latency">From the first attempt's start to the last attempt's end, waits between attempts included.</param>
/// <param name="Attempts">Every attempt, in order.</param>
public sealed record Delivery(bool Delivered, TimeSpan StartedAt, TimeSpan Latency, IReadOnlyList<DeliveryAttempt> Attempts)
{
    /// <summary>When the last attempt ended, on the shared clock.</summary>
    public TimeSpan EndedAt => StartedAt + Latency;

    /// <summary>True when more than one attempt was needed (or made).</summary>
    public bool Retried => Attempts.Count > 1;
}
