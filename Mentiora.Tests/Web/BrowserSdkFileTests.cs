using System.Net;
using Mentiora.Tests.Infrastructure;
using Mentiora.Web.Sdk;
using Mentiora.Web.Security;

namespace Mentiora.Tests.Web;

/// <summary>
/// <c>/sdk/mentiora-browser.js</c> over HTTP: a page on any origin can import it, browsers cache
/// it, and the trace endpoint lets it send (and read) the headers it uses.
/// </summary>
public sealed class BrowserSdkFileTests(EmbeddedIngestionAppFixture fixture) : LeakCheckedTests(fixture.App), IClassFixture<EmbeddedIngestionAppFixture>
{
    private const string CustomerOrigin = "https://shop.example.com";

    private HttpClient Client => fixture.Client;

    private static HttpRequestMessage ModuleRequest()
    {
        // What a browser sends for <script type="module"> or import() from another origin.
        var request = new HttpRequestMessage(HttpMethod.Get, BrowserSdkFile.VersionedPath);
        request.Headers.Add("Origin", CustomerOrigin);
        request.Headers.Add("Sec-Fetch-Mode", "cors");
        return request;
    }

    [Fact]
    public async Task TheModuleIsServedToAPageOnAnyOriginAsJavaScriptForAnHour()
    {
        var response = await Client.SendAsync(ModuleRequest());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("*", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Equal("text/javascript", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.CacheControl?.Public, "the module should be cacheable by shared caches");
        Assert.Equal(TimeSpan.FromHours(1), response.Headers.CacheControl?.MaxAge);
        var module = await response.Content.ReadAsStringAsync();
        Assert.StartsWith($"// mentiora-browser.js {BrowserSdkFile.Version}\n", module, StringComparison.Ordinal);
        Assert.Contains($"export const version = '{BrowserSdkFile.Version}';", module, StringComparison.Ordinal);
        Assert.Contains("export function createMentioraBrowserClient(", module, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheModuleKeepsTheStrictSecurityHeaders()
    {
        var response = await Client.SendAsync(ModuleRequest());

        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("same-origin", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.Equal(SecurityHeadersMiddleware.ContentSecurityPolicy, response.Headers.GetValues("Content-Security-Policy").Single());
    }

    [Fact]
    public async Task ABrowserRevalidatingItsCachedCopyGetsNotModifiedWithTheSameHeaders()
    {
        var first = await Client.SendAsync(ModuleRequest());
        var revalidation = ModuleRequest();
        revalidation.Headers.IfNoneMatch.Add(first.Headers.ETag!);

        var response = await Client.SendAsync(revalidation);

        Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
        Assert.Equal("*", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Equal(TimeSpan.FromHours(1), response.Headers.CacheControl?.MaxAge);
    }

    [Fact]
    public async Task APreflightAskingForEveryHeaderTheSdksAndTheModuleSendIsAllowedThemAll()
    {
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/api/v1/traces");
        preflight.Headers.Add("Origin", CustomerOrigin);
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "authorization, content-type, user-agent, x-mentiora-identity-token");

        var response = await Client.SendAsync(preflight);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(CustomerOrigin, response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("POST", response.Headers.GetValues("Access-Control-Allow-Methods").Single(), StringComparison.Ordinal);
        var allowed = response.Headers.GetValues("Access-Control-Allow-Headers").Single().Split(',', StringSplitOptions.TrimEntries);
        Assert.Equal(
            ["authorization", "content-type", "user-agent", "x-mentiora-identity-token"],
            allowed.Select(header => header.ToLowerInvariant()).Order());
    }

    [Fact]
    public async Task APageCanReadRetryAfterOnTheTraceEndpointsAnswers()
    {
        // Any answer to a page: here a refusal, which needs no key; a 429 carries the same CORS headers.
        using var request = TraceEvents.Post(TraceEvents.Valid(), key: null);
        request.Headers.Add("Origin", CustomerOrigin);

        var response = await Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(CustomerOrigin, response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("Retry-After", response.Headers.GetValues("Access-Control-Expose-Headers").Single(), StringComparison.OrdinalIgnoreCase);
    }
}
