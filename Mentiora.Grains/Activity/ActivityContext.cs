namespace Mentiora.Grains.Activity;

/// <summary>
/// Carries the dashboard request's client address to the grain in Orleans' request context, so
/// every dashboard method records it without each one taking another parameter.
/// </summary>
public static class ActivityContext
{
    private const string ClientAddressKey = "mentiora-client-address";

    /// <summary>Called by the web app before its grain calls for one request.</summary>
    public static void SetClientAddress(string? address)
    {
        if (address is null)
        {
            RequestContext.Remove(ClientAddressKey);
        }
        else
        {
            RequestContext.Set(ClientAddressKey, address);
        }
    }

    /// <summary>The address of the call being handled, or null.</summary>
    public static string? ClientAddress => RequestContext.Get(ClientAddressKey) as string;
}
