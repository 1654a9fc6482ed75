using Microsoft.Extensions.Primitives;

namespace Mentiora.Web.Api;

/// <summary>
/// CORS for the trace endpoint, so browser pages can send traces with a publishable key.
/// A preflight carries no key, so it is answered for any origin; the real request is checked
/// against the key's allowed origins by authentication. Every answer to a browser, errors
/// included, carries the CORS headers so the SDK can read why a request was refused.
/// </summary>
public sealed class IngestionCorsMiddleware(RequestDelegate next)
{
    /// <summary>Headers the browser SDK sends.</summary>
    public const string AllowedHeaders = "Authorization, Content-Type, X-Mentiora-Identity-Token";

    // Browsers cache the preflight this long (seconds), sparing a round trip per trace.
    private const string PreflightMaxAge = "600";

    public Task InvokeAsync(HttpContext context)
    {
        var origin = context.Request.Headers.Origin;
        if (StringValues.IsNullOrEmpty(origin))
        {
            return next(context);
        }

        // Set when the response starts: error handling may clear headers set before it.
        context.Response.OnStarting(() =>
        {
            context.Response.Headers.AccessControlAllowOrigin = origin;
            context.Response.Headers.Append("Vary", "Origin");
            return Task.CompletedTask;
        });

        if (!HttpMethods.IsOptions(context.Request.Method))
        {
            return next(context);
        }

        context.Response.StatusCode = StatusCodes.Status204NoContent;
        context.Response.Headers.AccessControlAllowMethods = "POST";
        context.Response.Headers.AccessControlAllowHeaders = AllowedHeaders;
        context.Response.Headers.AccessControlMaxAge = PreflightMaxAge;
        return Task.CompletedTask;
    }
}
