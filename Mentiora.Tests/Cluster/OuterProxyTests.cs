using System.Net;
using Mentiora.Harness.Clusters;
using Mentiora.Harness.Nginx;
using Mentiora.Tests.Infrastructure;
using Microsoft.Net.Http.Headers;

namespace Mentiora.Tests.Cluster;

/// <summary>
/// Behind a TLS-terminating proxy in front of nginx (a cloud load balancer), nginx passes on that proxy's
/// X-Forwarded-Proto, so the app sees the browser's HTTPS: Secure __Host- cookies, HSTS and https redirects. Without
/// one configured, nginx overwrites the header with its own scheme, so no client can claim HTTPS.
/// </summary>
public sealed class OuterProxyTests
{
    [Fact]
    public async Task ThroughNginxTheOuterProxysHttpsCountsOnlyWhenThatProxyIsConfigured()
    {
        // The test's own connections come from 127.0.0.1, which plays the outer proxy for the first nginx.
        await using var cluster = await TestClusters.StartAsync(new ClusterOptions
        {
            Silos = 1,
            ConnectionString = await (await SharedPostgres.GetAsync()).CreateDatabaseAsync("outer-proxy"),
            Nginx = true,
            NginxOuterProxies = ["127.0.0.1/32"],
        });
        var directory = Path.Combine(Path.GetTempPath(), $"mentiora-nginx-plain-{Guid.NewGuid():N}");
        await using var plainNginx = await NginxProcess.StartAsync(directory, [cluster.SiloUrls[0].Authority]);
        try
        {
            var behindOuterProxy = await AsTheOuterProxyAsync(cluster.Nginx!.Url);
            var claimedByAClient = await AsTheOuterProxyAsync(plainNginx.Url);

            Assert.Equal(Uri.UriSchemeHttps, behindOuterProxy.RedirectScheme);
            Assert.Equal("__Host-mentiora.antiforgery", behindOuterProxy.Cookie.Name.Value);
            Assert.True(behindOuterProxy.Cookie.Secure);
            Assert.True(behindOuterProxy.Hsts);

            Assert.Equal(Uri.UriSchemeHttp, claimedByAClient.RedirectScheme);
            Assert.Equal("mentiora.antiforgery", claimedByAClient.Cookie.Name.Value);
            Assert.False(claimedByAClient.Cookie.Secure);
            Assert.False(claimedByAClient.Hsts);
        }
        finally
        {
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        }
    }

    // What a TLS-terminating proxy sends for a browser that used HTTPS: its requests carry X-Forwarded-Proto: https.
    private static async Task<(string RedirectScheme, SetCookieHeaderValue Cookie, bool Hsts)> AsTheOuterProxyAsync(Uri nginx)
    {
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = nginx };

        var redirect = await client.SendAsync(Claiming(HttpMethod.Get, $"/projects/{Guid.NewGuid()}/settings"));
        var form = await client.SendAsync(Claiming(HttpMethod.Get, "/signin"));

        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        Assert.Equal(HttpStatusCode.OK, form.StatusCode);
        var cookie = SetCookieHeaderValue.ParseList(form.Headers.GetValues(HeaderNames.SetCookie).ToList()).Single(c => c.Name.Value!.EndsWith("mentiora.antiforgery", StringComparison.Ordinal));
        return (redirect.Headers.Location!.Scheme, cookie, form.Headers.Contains(HeaderNames.StrictTransportSecurity));
    }

    private static HttpRequestMessage Claiming(HttpMethod method, string url)
    {
        var request = new HttpRequestMessage(method, url);
        request.Headers.Add("X-Forwarded-Proto", "https");
        return request;
    }
}
