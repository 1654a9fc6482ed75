using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Mentiora.Grains.Keys;
using Mentiora.Grains.Projects;
using Mentiora.Grains.Usage;
using Mentiora.Tests.Infrastructure;
using Mentiora.Web.Usage;
using Microsoft.Extensions.DependencyInjection;

namespace Mentiora.Tests.Web;

/// <summary>
/// A secret key sent with an Origin header is a secret key shipped in a web page: it is refused
/// with 403 in words the page's developer can read, and the key's owner sees it in the key's
/// usage. Servers, which send no Origin, are not affected, nor are publishable keys.
/// </summary>
public sealed class SecretKeyFromAWebPageTests(EmbeddedIngestionAppFixture fixture) : LeakCheckedTests(fixture.App), IClassFixture<EmbeddedIngestionAppFixture>
{
    private const string Page = "https://app.example.com";

    private HttpClient Client => fixture.Client;

    private static HttpRequestMessage WithOrigin(HttpRequestMessage request, string? origin)
    {
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        return request;
    }

    private static HttpRequestMessage Trace(string key, string? origin) => WithOrigin(TraceEvents.Post(TraceEvents.Valid(), key), origin);

    private static HttpRequestMessage WhoAmI(string key, string? origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/whoami");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return WithOrigin(request, origin);
    }

    private static HttpRequestMessage MintToken(string key, string? origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/identity-tokens") { Content = new StringContent("{\"user_id\":\"user-42\"}", Encoding.UTF8) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return WithOrigin(request, origin);
    }

    [Theory]
    [InlineData(Page)]
    [InlineData("null")]
    public async Task AValidSecretKeySentFromAWebPageIsRefusedWith403ThatPointsToThePublishableKey(string origin)
    {
        var (_, key) = await fixture.NewKeyAsync();
        var trace = TraceEvents.Valid();

        var response = await Client.SendAsync(WithOrigin(TraceEvents.Post(trace, key.Key), origin));

        var error = await ApiAssert.Error(response, HttpStatusCode.Forbidden, "insufficient_permissions");
        var message = (string)error["message"]!;
        Assert.Contains("secret API key must not be used in a web page", message);
        Assert.Contains("publishable key (pk_live_", message);
        Assert.DoesNotContain(key.Key, message);
        // The page's developer can read why: the answer carries the CORS headers for the page.
        Assert.Equal(origin, response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("Origin", response.Headers.Vary);
        Assert.Equal(0, await fixture.CountTracesAsync((string)trace["trace_id"]!));
    }

    [Fact]
    public async Task WhoAmIAndIdentityTokenMintingRefuseASecretKeyFromAWebPageToo()
    {
        var (_, key) = await fixture.NewKeyAsync();

        await ApiAssert.Error(await Client.SendAsync(WhoAmI(key.Key, Page)), HttpStatusCode.Forbidden, "insufficient_permissions");
        var minted = await ApiAssert.Error(await Client.SendAsync(MintToken(key.Key, Page)), HttpStatusCode.Forbidden, "insufficient_permissions");
        Assert.Contains("publishable key (pk_live_", (string)minted["message"]!);

        Assert.Equal(HttpStatusCode.OK, (await Client.SendAsync(WhoAmI(key.Key, null))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Client.SendAsync(MintToken(key.Key, null))).StatusCode);
    }

    [Fact]
    public async Task TheSameSecretKeyFromAServerWithoutOriginIsAccepted()
    {
        var (_, key) = await fixture.NewKeyAsync();

        await ApiAssert.Error(await Client.SendAsync(Trace(key.Key, Page)), HttpStatusCode.Forbidden, "insufficient_permissions");
        Assert.Equal(HttpStatusCode.Accepted, (await Client.SendAsync(Trace(key.Key, null))).StatusCode);
    }

    [Fact]
    public async Task AnInvalidSecretKeyFromAWebPageIsStillRefusedAsInvalid()
    {
        await ApiAssert.Error(await Client.SendAsync(Trace(ApiKeyMaterial.NewSecretKey(), Page)), HttpStatusCode.Unauthorized, "invalid_api_key");
    }

    [Fact]
    public async Task ThePublishableKeyFromAnAllowedOriginIsUnaffected()
    {
        var (projectId, key) = await fixture.NewKeyAsync();
        var project = fixture.App.Grains.GetGrain<IProjectDashboardGrain>(projectId);
        Assert.Equal(OriginChangeOutcome.Done, (await project.AddAllowedOrigin(MentioraApp.Owner, key.Summary.Id, Page)).Outcome);

        var response = await Client.SendAsync(Trace(key.Summary.PublishableKey, Page));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(Page, response.Headers.GetValues("Access-Control-Allow-Origin").Single());
    }

    [Fact]
    public async Task TheKeysOwnerSeesTheSecretKeySentFromAWebPageInTheKeysUsage()
    {
        var (projectId, key) = await fixture.NewKeyAsync();

        await ApiAssert.Error(await Client.SendAsync(Trace(key.Key, Page)), HttpStatusCode.Forbidden, "insufficient_permissions");
        await fixture.App.Services.GetRequiredService<KeyUsageRecorder>().ReportAsync();

        var usage = await fixture.App.Grains.GetGrain<IProjectDashboardGrain>(projectId).GetKeyUsage(MentioraApp.Owner, key.Summary.Id);
        var refusal = Assert.Single(usage!.RecentRefusals);
        Assert.Equal(KeyRefusalReason.SecretKeyInBrowser, refusal.Reason);
        Assert.Equal("insufficient_permissions", KeyRefusalReasons.Code(refusal.Reason));
    }
}
