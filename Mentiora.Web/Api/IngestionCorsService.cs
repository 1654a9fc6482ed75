using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.Extensions.Options;

namespace Mentiora.Web.Api;

/// <summary>ASP.NET Core's CORS service, answering a preflight with the allowed headers the browser asked for rather than all of them.</summary>
public sealed class IngestionCorsService(IOptions<CorsOptions> options, ILoggerFactory loggerFactory) : CorsService(options, loggerFactory)
{
    /// <inheritdoc />
    public override void ApplyResult(CorsResult result, HttpResponse response)
    {
        base.ApplyResult(result, response);

        // The SDKs and their existing users read the preflight answer as the list of what they
        // asked for; naming only those keeps that answer the same now that User-Agent is allowed.
        if (result.IsPreflightRequest && result.IsOriginAllowed && result.AllowedHeaders.Count > 0)
        {
            var requested = response.HttpContext.Request.Headers.GetCommaSeparatedValues("Access-Control-Request-Headers");
            var granted = result.AllowedHeaders.Where(header => requested.Contains(header, StringComparer.OrdinalIgnoreCase));
            response.Headers.AccessControlAllowHeaders = string.Join(", ", granted);
        }
    }
}
