namespace Mentiora.Web.Pages;

/// <summary>Tells htmx requests (which want the partial that changed) from plain form posts (which want a redirect).</summary>
public static class HtmxRequest
{
    /// <summary>True when htmx sent the request.</summary>
    public static bool IsHtmx(this HttpRequest request) => request.Headers["HX-Request"] == "true";
}
