namespace Mentiora.Web.Security;

/// <summary>
/// Browser protections on every answer: no MIME sniffing, no referrer leaks, no framing, and
/// for the dashboard a Content-Security-Policy that allows only our own scripts and styles
/// (no inline code, no eval), so injected markup cannot run.
/// </summary>
public sealed class SecurityHeadersMiddleware(RequestDelegate next)
{
    /// <summary>The dashboard's policy: everything from this origin only, nothing inline.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; " +
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    // The Orleans dashboard is a third-party page with inline code; it is behind operator sign-in instead.
    private static readonly PathString OperationsPath = new("/ops");

    public Task InvokeAsync(HttpContext context)
    {
        var headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "same-origin";
        headers.XFrameOptions = "DENY";
        if (!context.Request.Path.StartsWithSegments(OperationsPath))
        {
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
        }

        return next(context);
    }
}
