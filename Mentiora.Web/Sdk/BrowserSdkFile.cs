using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.Net.Http.Headers;

namespace Mentiora.Web.Sdk;

/// <summary>
/// How <c>/sdk/mentiora-browser.js</c> (our ES module for browser mode, in wwwroot) is served:
/// to any origin, since a customer's page imports it with a CORS request, and cached for an hour.
/// </summary>
/// <remarks>
/// It is a static file rather than an endpoint so that it is the file a developer reads, with the
/// ETag and conditional requests of the static file middleware; only its headers are ours.
/// </remarks>
public static class BrowserSdkFile
{
    /// <summary>Where the module is served.</summary>
    public const string Path = "/sdk/mentiora-browser.js";

    /// <summary>The module's version: in its first line and in the <c>v</c> of the URL the docs give, so a new version is never an old cached copy.</summary>
    public const string Version = "1.0.0";

    /// <summary>The URL the docs and the dashboard give, with the version that busts caches.</summary>
    public const string VersionedPath = Path + "?v=" + Version;

    // An hour: a fixed module reaches pages within the hour even at an unversioned URL, while a
    // page does not fetch it on every load.
    private const string CacheControl = "public, max-age=3600";

    private static readonly PathString ModulePath = new(Path);

    /// <summary>Adds the module's headers to the static files' answers.</summary>
    public static IServiceCollection AddBrowserSdkFile(this IServiceCollection services) =>
        services.Configure<StaticFileOptions>(options =>
        {
            var earlier = options.OnPrepareResponse;
            options.OnPrepareResponse = file =>
            {
                earlier(file);
                if (file.Context.Request.Path.Equals(ModulePath, StringComparison.OrdinalIgnoreCase))
                {
                    var headers = file.Context.Response.Headers;

                    // A module carries no credentials and no secret, so any page may load it; "*"
                    // (not an echoed origin) lets shared caches keep one copy for every site.
                    headers.AccessControlAllowOrigin = CorsConstants.AnyOrigin;
                    headers.CacheControl = CacheControl;
                    file.Context.Response.ContentType = "text/javascript; charset=utf-8";
                }
            };
        });
}
