namespace Mentiora.Harness.Clients;

/// <summary>Why an attempt got no HTTP answer, as an SDK sees it.</summary>
public enum AttemptFailure
{
    /// <summary>An HTTP answer came (see <see cref="DeliveryAttempt.Status"/>).</summary>
    None,

    /// <summary>The connection could not be made, or broke before the answer was complete.</summary>
    LostConnection,

    /// <summary>No answer within the SDKs' per-request timeout.</summary>
    Timeout,
}
