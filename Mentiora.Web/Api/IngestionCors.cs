using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Net.Http.Headers;

namespace Mentiora.Web.Api;

/// <summary>
/// The CORS policy of the trace endpoint, so browser pages can send traces with a publishable key.
/// A preflight carries no key, so it is answered for any origin; the real request is checked
/// against the key's allowed origins by authentication (the project grain decides), and this
/// policy only writes the headers. Every answer to a browser, errors included, carries them so
/// the SDK can read why a request was refused: ASP.NET Core's CORS middleware writes them when
/// the response starts, after error handling has cleared the rest.
/// </summary>
public static class IngestionCors
{
    /// <summary>The policy's name, for <c>UseCors</c>.</summary>
    public const string PolicyName = "ingestion";

    /// <summary>Headers the SDKs send; server SDKs add User-Agent, which browsers may list in a preflight.</summary>
    public static readonly string[] AllowedHeaders =
        [HeaderNames.Authorization, HeaderNames.ContentType, ApiKeyAuthenticationHandler.IdentityTokenHeader, HeaderNames.UserAgent];

    private static readonly PathString TracesPath = new("/api/v1/traces");

    // Browsers cache the preflight this long, sparing a round trip per trace.
    private static readonly TimeSpan PreflightMaxAge = TimeSpan.FromMinutes(10);

    /// <summary>Registers the CORS services with the ingestion policy.</summary>
    public static IServiceCollection AddIngestionCors(this IServiceCollection services)
    {
        services.AddCors(options => options.AddPolicy(PolicyName, Configure));
        return services.Replace(ServiceDescriptor.Transient<ICorsService, IngestionCorsService>());
    }

    /// <summary>Applies the policy to the trace endpoint only.</summary>
    public static IApplicationBuilder UseIngestionCors(this IApplicationBuilder app) =>
        app.UseWhen(context => context.Request.Path.StartsWithSegments(TracesPath), traces => traces.UseCors(PolicyName));

    private static void Configure(CorsPolicyBuilder policy) => policy
        // Echoing every origin (never "*") keeps Vary: Origin on the answers, so a shared cache
        // never serves one site's answer to another.
        .SetIsOriginAllowed(_ => true)
        .WithMethods(HttpMethods.Post)
        .WithHeaders(AllowedHeaders)
        // A page may read only a few response headers unless told; /sdk/mentiora-browser.js waits
        // as long as a 429's Retry-After says, like the SDKs.
        .WithExposedHeaders(HeaderNames.RetryAfter)
        .SetPreflightMaxAge(PreflightMaxAge);
}
