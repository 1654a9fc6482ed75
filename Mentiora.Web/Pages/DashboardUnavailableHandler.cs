using System.Globalization;
using Mentiora.Web.Api;
using Mentiora.Web.Security;
using Microsoft.AspNetCore.Diagnostics;

namespace Mentiora.Web.Pages;

/// <summary>
/// Answers a dashboard request that failed because the database or a silo was briefly away with a
/// 503 that says so (and for a form, that nothing was changed) instead of an unhandled exception: a
/// self-contained page, or for htmx the fragment its target shows. Other failures are left to the 500 status page.
/// </summary>
public sealed partial class DashboardUnavailableHandler(ILogger<DashboardUnavailableHandler> logger) : IExceptionHandler
{
    /// <summary>The title and heading people see; nginx's own 503 page (deploy/nginx.conf.template) says the same.</summary>
    public const string Title = "Mentiora is briefly unavailable";

    /// <summary>What the answer to a form tells people: a failed grain call or database write changed nothing (the grains revert their state).</summary>
    public const string NothingChanged = "Nothing was changed. Try again in a few seconds.";

    /// <summary>What the answer to a page tells people, in nginx's words.</summary>
    public const string Reload = "Reload the page in a few seconds.";

    // No layout: the layout's project menu would ask the very grains and database that are away.
    // The stylesheet is our own, so the dashboard's Content-Security-Policy allows it.
    private static string Page(string advice) =>
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">" +
        "<title>" + Title + "</title><link rel=\"stylesheet\" href=\"/css/site.css\"></head><body><main><section class=\"card narrow\">" +
        "<h1>" + Title + "</h1><p class=\"muted\">" + advice + "</p><p><a class=\"button\" href=\"/\">Go to your projects</a></p>" +
        "</section></main></body></html>";

    // htmx 4 swaps error answers into the request's target like any other (only 204 and 304 are
    // not swapped), so this shows where the answer would have: in the create-key dialog, for one.
    // The Close button and the error alert let the dialog put a fresh form back when it closes.
    private static string Fragment(string advice) =>
        "<div class=\"dialog-form\" role=\"alert\"><h2>" + Title + "</h2><p class=\"alert error\">" + advice + "</p>" +
        "<div class=\"dialog-actions\"><button type=\"button\" class=\"button\" data-close-dialog>Close</button></div></div>";

    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (ApiErrorHandling.IsApiRequest(context) || !ApiErrorHandling.IsUnavailability(exception))
        {
            return false;
        }

        // Expected during a failover or a database restart: one line, no stack trace.
        LogUnavailable(logger, context.Request.Method, context.Request.Path, exception.GetType().Name, exception.Message);
        var response = context.Response;
        response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        response.Headers.RetryAfter = ApiError.DefaultRetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        response.Headers.CacheControl = "no-store";

        // The exception handler cleared the headers set on the way in.
        response.Headers.ContentSecurityPolicy = SecurityHeadersMiddleware.ContentSecurityPolicy;
        response.Headers.XContentTypeOptions = "nosniff";
        response.ContentType = "text/html; charset=utf-8";
        var advice = HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method) ? Reload : NothingChanged;
        await response.WriteAsync(context.Request.IsHtmx() ? Fragment(advice) : Page(advice), cancellationToken);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Answered 503 to {Method} {Path}: {Failure}: {Message}")]
    private static partial void LogUnavailable(ILogger logger, string method, string path, string failure, string message);
}
