using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Net.Http.Headers;

namespace Mentiora.Web.Api;

/// <summary>
/// The CORS policy of the trace endpoint (and whoami), so browser pages can send traces with a publishable key.
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

    /// <summary>The policy of whoami, which a page may call with its publishable key to check it: the same, for GET.</summary>
    public const string WhoAmIPolicyName = "whoami";

    private static readonly PathString TracesPath = new("/api/v1/traces");

    private static readonly PathString WhoAmIPath = new("/api/v1/whoami");

    // Browsers cache the preflight this long, sparing a round trip per trace.
    private static readonly TimeSpan PreflightMaxAge = TimeSpan.FromMinutes(10);

    /// <summary>Registers the CORS services with the ingestion policy.</summary>
    public static IServiceCollection AddIngestionCors(this IServiceCollection services)
    {
        services.AddCors(options =>
        {
            options.AddPolicy(PolicyName, policy => Configure(policy, HttpMethods.Post));
            options.AddPolicy(WhoAmIPolicyName, policy => Configure(policy, HttpMethods.Get));
        });
        return services.Replace(ServiceDescriptor.Transient<ICorsService, IngestionCorsService>());
    }

    /// <summary>Applies the policies to the trace and whoami endpoints only.</summary>
    public static IApplicationBuilder UseIngestionCors(this IApplicationBuilder app) => app
        .UseWhen(context => context.Request.Path.StartsWithSegments(TracesPath), traces => traces.UseCors(PolicyName))
        .UseWhen(context => context.Request.Path.StartsWithSegments(WhoAmIPath), whoami => whoami.UseCors(WhoAmIPolicyName));

    private static void Configure(CorsPolicyBuilder policy, string method) => policy
        // Echoing every origin (never "*") keeps Vary: Origin on the answers, so a shared cache
        // never serves one site's answer to another.
        .SetIsOriginAllowed(_ => true)
        .WithMethods(method)
        .WithHeaders(AllowedHeaders)
        // A page may read only a few response headers unless told; /sdk/mentiora-browser.js waits
        // as long as a 429's Retry-After says, like the SDKs.
        .WithExposedHeaders(HeaderNames.RetryAfter)
        .SetPreflightMaxAge(PreflightMaxAge);
}
