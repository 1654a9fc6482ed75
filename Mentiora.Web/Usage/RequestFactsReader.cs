using Mentiora.Grains.Usage;

namespace Mentiora.Web.Usage;

/// <summary>Reads the facts a usage record keeps from a request: Origin, User-Agent and the client's address (after the trusted proxies).</summary>
public static class RequestFactsReader
{
    /// <summary>The request's origin, user agent and client address, cut to a storable length.</summary>
    public static RequestFacts Facts(this HttpContext context) => RequestFacts.Of(
        context.Request.Headers.Origin.ToString(),
        context.Request.Headers.UserAgent.ToString(),
        context.Connection.RemoteIpAddress?.ToString());
}
