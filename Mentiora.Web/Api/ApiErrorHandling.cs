using System.Data.Common;
using Microsoft.AspNetCore.Diagnostics;

namespace Mentiora.Web.Api;

/// <summary>Answers every API failure, an exception or a bare status such as 404, with a JSON error in the SDKs' shape.</summary>
public static class ApiErrorHandling
{
    private static readonly PathString ApiPath = new("/api");

    /// <summary>True for requests to the machine API, whose errors are JSON rather than pages.</summary>
    public static bool IsApiRequest(HttpContext context) => context.Request.Path.StartsWithSegments(ApiPath);

    /// <summary>Adds exception handling and status pages for API requests only.</summary>
    public static IApplicationBuilder UseApiErrors(this IApplicationBuilder app) => app.UseWhen(IsApiRequest, api =>
    {
        api.UseExceptionHandler(new ExceptionHandlerOptions
        {
            ExceptionHandler = WriteExceptionAsync,
            // A silo failing over or a database restarting is expected: WriteExceptionAsync logs one warning, not a stack trace.
            SuppressDiagnosticsCallback = context => IsUnavailability(context.Exception),
        });
        api.UseStatusCodePages(context => WriteStatusAsync(context.HttpContext));
    });

    /// <summary>
    /// True for failures that mean "briefly unavailable", not a bug: the database (DbException) or a
    /// silo or its storage (OrleansException, which wraps storage failures) did not answer, or a call timed out.
    /// </summary>
    public static bool IsUnavailability(Exception? failure) => failure is OrleansException or TimeoutException or DbException;

    private static Task WriteExceptionAsync(HttpContext context)
    {
        var failure = context.Features.Get<IExceptionHandlerFeature>()?.Error;
        if (!IsUnavailability(failure))
        {
            return ApiErrors.Internal().WriteAsync(context.Response);
        }

        context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Mentiora.Api")
            .LogWarning("Answered 503 to {Method} {Path}: {Failure}: {Message}", context.Request.Method, context.Request.Path, failure!.GetType().Name, failure.Message);
        return ApiErrors.Unavailable("The service is briefly unavailable and nothing was stored. Retry in a few seconds.").WriteAsync(context.Response);
    }

    private static Task WriteStatusAsync(HttpContext context) => context.Response.StatusCode switch
    {
        StatusCodes.Status404NotFound => ApiErrors.NotFound(context.Request.Path).WriteAsync(context.Response),
        StatusCodes.Status405MethodNotAllowed => ApiErrors.MethodNotAllowed(context.Request.Method, context.Request.Path).WriteAsync(context.Response),
        _ => Task.CompletedTask,
    };
}
