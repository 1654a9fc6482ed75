using System.Net;
using Mentiora.Grains.Keys;
using Mentiora.Tests.Infrastructure;

namespace Mentiora.Tests.Web;

/// <summary>
/// Behind nginx the per-address limits count the browser's or SDK's address from X-Forwarded-For,
/// so one abuser does not block everybody; from anyone but a trusted proxy the header counts for
/// nothing, so it cannot be used to dodge a limit either.
/// </summary>
public sealed class ProxyHeadersTests
{
    private const string Abuser = "203.0.113.7";
    private const string Neighbour = "203.0.113.8";

    [Fact]
    public async Task BehindATrustedProxyOneAddressGuessingKeysDoesNotBlockAnother()
    {
        // The test connects from 127.0.0.1, which the default Proxy:TrustedNetworks (loopback) trusts.
        await using var app = new MentioraApp(TestStorage.NewEmbedded(), new Dictionary<string, string?> { ["Limits:FailedAuthenticationsPerIpPerMinute"] = "3" });
        var client = app.Start();
        var (_, key) = await IngestionAppFixture.NewKeyAsync(app);

        for (var i = 0; i < 3; i++)
        {
            await ApiAssert.Error(await client.SendAsync(From(Abuser, ApiKeyMaterial.NewSecretKey())), HttpStatusCode.Unauthorized, "invalid_api_key");
        }

        await ApiAssert.Error(await client.SendAsync(From(Abuser, ApiKeyMaterial.NewSecretKey())), HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.Equal(HttpStatusCode.Accepted, (await client.SendAsync(From(Neighbour, key.Key))).StatusCode);
        // A valid key is let through even from the blocked address; only its guesses wait.
        Assert.Equal(HttpStatusCode.Accepted, (await client.SendAsync(From(Abuser, key.Key))).StatusCode);
    }

    [Fact]
    public async Task FromAnUntrustedAddressRotatingXForwardedForDoesNotDodgeTheLimit()
    {
        await using var app = new MentioraApp(TestStorage.NewEmbedded(), new Dictionary<string, string?>
        {
            ["Limits:FailedAuthenticationsPerIpPerMinute"] = "3",
            ["Proxy:TrustedNetworks"] = "10.99.0.0/16",
        });
        var client = app.Start();

        for (var i = 0; i < 3; i++)
        {
            await ApiAssert.Error(await client.SendAsync(From($"198.51.100.{i + 1}", ApiKeyMaterial.NewSecretKey())), HttpStatusCode.Unauthorized, "invalid_api_key");
        }

        await ApiAssert.Error(await client.SendAsync(From("198.51.100.200", ApiKeyMaterial.NewSecretKey())), HttpStatusCode.TooManyRequests, "rate_limited");
        await ApiAssert.Error(await client.SendAsync(From(Neighbour, ApiKeyMaterial.NewSecretKey())), HttpStatusCode.TooManyRequests, "rate_limited");
    }

    [Fact]
    public async Task BehindATrustedProxySignInAttemptsAreCountedPerBrowserAddress()
    {
        // Three attempts per account, nine per address.
        await using var app = new MentioraApp(TestStorage.NewEmbedded(), new Dictionary<string, string?> { ["Limits:SignInAttemptsPerMinute"] = "3" });
        var (abuser, _) = BrowserBehindProxy.Open(app, Abuser, "https");
        var (neighbour, _) = BrowserBehindProxy.Open(app, Neighbour, "https");
        await abuser.GetPageAsync("/signin");
        await neighbour.GetPageAsync("/signin");

        for (var i = 0; i < 9; i++)
        {
            var wrong = await abuser.PostFormAsync("/signin", new() { ["Email"] = DashboardClient.NewEmail(), ["Password"] = "wrong password" });
            Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
        }

        var tenth = await abuser.PostFormAsync("/signin", new() { ["Email"] = DashboardClient.NewEmail(), ["Password"] = "wrong password" });
        var other = await neighbour.PostFormAsync("/signin", new() { ["Email"] = DashboardClient.NewEmail(), ["Password"] = "wrong password" });

        Assert.Equal(HttpStatusCode.TooManyRequests, tenth.StatusCode);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        Assert.Contains("The email or password is not correct.", await other.Content.ReadAsStringAsync());
    }

    private static HttpRequestMessage From(string clientAddress, string key)
    {
        var request = TraceEvents.Post(TraceEvents.Valid(), key);
        // What nginx sends for a client at that address ($proxy_add_x_forwarded_for, $scheme).
        request.Headers.Add("X-Forwarded-For", clientAddress);
        request.Headers.Add("X-Forwarded-Proto", "https");
        return request;
    }
}
