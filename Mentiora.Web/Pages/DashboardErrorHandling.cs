using Mentiora.Web.Api;
using Microsoft.AspNetCore.Diagnostics;

namespace Mentiora.Web.Pages;

/// <summary>Answers a dashboard request that threw: briefly unavailable (see <see cref="DashboardUnavailableHandler"/>), else the 500 status page.</summary>
public static class DashboardErrorHandling
{
    /// <summary>
    /// Adds exception handling for dashboard (non-API) requests. An outage is answered by
    /// <see cref="DashboardUnavailableHandler"/> with one warning and no stack trace; any other failure
    /// gets the 500 status page, or for htmx the bare status, as the status code pages do.
    /// </summary>
    public static IApplicationBuilder UseDashboardErrors(this IApplicationBuilder app)
    {
        app.UseWhen(context => !ApiErrorHandling.IsApiRequest(context) && !context.Request.IsHtmx(), pages => pages.UseExceptionHandler(new ExceptionHandlerOptions
        {
            ExceptionHandlingPath = "/status/500",
            SuppressDiagnosticsCallback = IsOutage,
        }));
        return app.UseWhen(context => !ApiErrorHandling.IsApiRequest(context) && context.Request.IsHtmx(), htmx => htmx.UseExceptionHandler(new ExceptionHandlerOptions
        {
            ExceptionHandler = _ => Task.CompletedTask,
            SuppressDiagnosticsCallback = IsOutage,
        }));
    }

    private static bool IsOutage(ExceptionHandlerSuppressDiagnosticsContext context) => ApiErrorHandling.IsUnavailability(context.Exception);
}
