using System.Net;
using System.Text;
using AngleSharp.Html.Parser;
using Mentiora.Tests.Infrastructure;

namespace Mentiora.Tests.Cluster;

/// <summary>
/// Rolling keys on two silos: concurrent rolls at the limit through both, and a roll through one
/// silo seen by the other's very next request. The silos are processes whose clock a test cannot
/// move, so the end of a grace period is shown with "Now": the old key is refused on both at once.
/// The same holds for a key's signing secret and publishable key, rolled in the Allowed origins dialog.
/// </summary>
public sealed class KeyRollClusterTests(KeyRollClusterFixture fixture) : IClassFixture<KeyRollClusterFixture>
{
    private static readonly HtmlParser Parser = new();

    private DashboardClient Visitor(int silo, CookieContainer cookies) => DashboardClient.Using(fixture.Cluster.Silos[silo].CreateClient(cookies));

    private async Task<HttpResponseMessage> WhoAmIAsync(int silo, string key)
    {
        using var api = fixture.Cluster.Silos[silo].CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/whoami");
        request.Headers.TryAddWithoutValidation("Authorization", $"Bearer {key}");
        var response = await api.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    private const string Origin = "https://app.example.com";

    private async Task<HttpResponseMessage> BrowserWhoAmIAsync(int silo, string publishableKey, string? identityToken = null)
    {
        using var api = fixture.Cluster.Silos[silo].CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/whoami");
        request.Headers.TryAddWithoutValidation("Authorization", $"Bearer {publishableKey}");
        request.Headers.Add("Origin", Origin);
        if (identityToken is not null)
        {
            request.Headers.Add("X-Mentiora-Identity-Token", identityToken);
        }

        var response = await api.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    // The silos run on the real clock, so the token is signed for now.
    private static string TokenSignedWith(string signingSecret)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return HandMadeTokens.Sign(HandMadeTokens.Hs256Header, HandMadeTokens.Claims(now, now + 900), Encoding.UTF8.GetBytes(signingSecret));
    }

    [Fact]
    public async Task ConcurrentRollsAtTheLimitThroughBothSilosAllRollAndTheProjectKeepsFiveKeysWithOneOldKeyEach()
    {
        var cookies = new CookieContainer();
        var onA = Visitor(0, cookies);
        var projectId = await onA.SignUpAsync();
        var originals = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            originals.Add(await onA.CreateApiKeyAsync(projectId, $"Key {i}"));
        }

        var ids = DashboardHtml.KeyRowIds(await onA.GetPageAsync($"/projects/{projectId}/settings"));

        // Key 0 is rolled through both silos at once; keys 1 and 2 through one each.
        var rolls = new[] { (Silo: 0, Key: 0), (Silo: 1, Key: 0), (Silo: 0, Key: 1), (Silo: 1, Key: 2) };
        var newKeys = await Task.WhenAll(rolls.Select(r => Visitor(r.Silo, cookies).RollApiKeyAsync(projectId, ids[r.Key], "In24Hours")));

        Assert.Equal(4, newKeys.Distinct().Count());
        foreach (var silo in new[] { 0, 1 })
        {
            var page = await Visitor(silo, cookies).GetPageAsync($"/projects/{projectId}/settings");
            Assert.Equal(ids, DashboardHtml.KeyRowIds(page));
            // At most one old key per key: key 0's second roll ended its first old key.
            Assert.Equal(3, DashboardHtml.RolledKeyRows(page).Count);
            foreach (var key in newKeys.Concat([originals[1], originals[2], originals[3], originals[4]]))
            {
                Assert.Equal(HttpStatusCode.OK, (await WhoAmIAsync(silo, key)).StatusCode);
            }

            Assert.Equal(HttpStatusCode.Unauthorized, (await WhoAmIAsync(silo, originals[0])).StatusCode);
        }
    }

    [Fact]
    public async Task ARollWithNowThroughOneSiloIsRefusedAsReplacedByBothSilosNextRequests()
    {
        var cookies = new CookieContainer();
        var onA = Visitor(0, cookies);
        var projectId = await onA.SignUpAsync();
        var oldKey = await onA.CreateApiKeyAsync(projectId, "Production");
        var keyId = DashboardHtml.KeyRowIds(await onA.GetPageAsync($"/projects/{projectId}/settings"))[0];
        // Both silos have served the key, so each knows where it lives.
        Assert.Equal(HttpStatusCode.OK, (await WhoAmIAsync(0, oldKey)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await WhoAmIAsync(1, oldKey)).StatusCode);

        var newKey = await Visitor(1, cookies).RollApiKeyAsync(projectId, keyId, "Now");

        var refusals = await Task.WhenAll(WhoAmIAsync(0, oldKey), WhoAmIAsync(1, oldKey));
        foreach (var refusal in refusals)
        {
            var error = await ApiAssert.Error(refusal, HttpStatusCode.Unauthorized, "invalid_api_key");
            Assert.StartsWith("This API key was replaced by a rolled key on ", (string)error["message"]!);
        }

        Assert.Equal(HttpStatusCode.OK, (await WhoAmIAsync(0, newKey)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await WhoAmIAsync(1, newKey)).StatusCode);
        Assert.Empty(DashboardHtml.RolledKeyRows(await onA.GetPageAsync($"/projects/{projectId}/settings")));
        Assert.NotNull(Parser.ParseDocument(await onA.GetPageAsync($"/projects/{projectId}/settings")).QuerySelector($"#key-{keyId}"));
    }

    [Fact]
    public async Task ASigningSecretAndAPublishableKeyRolledWithNowThroughOneSiloAreRefusedAsReplacedByBothSilosNextRequests()
    {
        var cookies = new CookieContainer();
        var onA = Visitor(0, cookies);
        var onB = Visitor(1, cookies);
        var projectId = await onA.SignUpAsync();
        var settings = $"/projects/{projectId}/settings";
        var createForm = await onA.GetPageAsync($"{settings}?dialog=create");
        using var created = await onA.PostFormAsync($"{settings}?handler=Create", new() { ["name"] = "Web", ["formToken"] = DashboardHtml.CreateFormToken(createForm)! });
        var oldSecret = DashboardHtml.CreatedSigningSecret(await created.Content.ReadAsStringAsync())!;
        var keyId = DashboardHtml.KeyRowIds(await onA.GetPageAsync(settings))[0].ToString();
        using (var added = await onA.PostFormAsync($"{settings}?handler=AddOrigin", new() { ["keyId"] = keyId, ["origin"] = Origin }))
        {
            Assert.Equal(HttpStatusCode.Redirect, added.StatusCode);
        }

        var dialog = Parser.ParseDocument(await onB.GetPageAsync($"{settings}?origins={keyId}"));
        var oldPublishableKey = dialog.GetElementById($"publishable-key-{keyId}")!.GetAttribute("value")!;
        var oldToken = TokenSignedWith(oldSecret);
        // Both silos have served the publishable key, so each knows where it lives.
        Assert.Equal(HttpStatusCode.OK, (await BrowserWhoAmIAsync(0, oldPublishableKey, oldToken)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await BrowserWhoAmIAsync(1, oldPublishableKey, oldToken)).StatusCode);

        var formToken = dialog.QuerySelector("form[action*='RollSigningSecret'] input[name='formToken']")!.GetAttribute("value")!;
        using var secretRoll = await onB.PostFormAsync($"{settings}?handler=RollSigningSecret", new() { ["keyId"] = keyId, ["formToken"] = formToken, ["grace"] = "Now" });
        var newSecret = DashboardHtml.RolledSigningSecret(await secretRoll.Content.ReadAsStringAsync())!;
        foreach (var silo in new[] { 0, 1 })
        {
            var refused = await ApiAssert.Error(await BrowserWhoAmIAsync(silo, oldPublishableKey, oldToken), HttpStatusCode.Unauthorized, "identity_token_invalid");
            Assert.Contains("signed with a signing secret that was replaced on ", (string)refused["message"]!);
            Assert.Equal(HttpStatusCode.OK, (await BrowserWhoAmIAsync(silo, oldPublishableKey, TokenSignedWith(newSecret))).StatusCode);
        }

        using var keyRoll = await onB.PostFormAsync($"{settings}?handler=RollPublishableKey", new() { ["keyId"] = keyId, ["grace"] = "Now" });
        Assert.Equal(HttpStatusCode.Redirect, keyRoll.StatusCode);
        var newPublishableKey = Parser.ParseDocument(await onA.GetPageAsync($"{settings}?origins={keyId}")).GetElementById($"publishable-key-{keyId}")!.GetAttribute("value")!;
        Assert.NotEqual(oldPublishableKey, newPublishableKey);
        foreach (var silo in new[] { 0, 1 })
        {
            var refused = await ApiAssert.Error(await BrowserWhoAmIAsync(silo, oldPublishableKey), HttpStatusCode.Unauthorized, "invalid_api_key");
            Assert.StartsWith("This publishable key was replaced by a rolled key on ", (string)refused["message"]!);
            Assert.Equal(HttpStatusCode.OK, (await BrowserWhoAmIAsync(silo, newPublishableKey)).StatusCode);
        }
    }
}
