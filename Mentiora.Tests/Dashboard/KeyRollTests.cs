using System.Globalization;
using System.Net;
using AngleSharp.Html.Parser;
using Mentiora.Tests.Infrastructure;

namespace Mentiora.Tests.Dashboard;

/// <summary>
/// Rolling a key as a team and a client meet it, on both storage modes: the Roll key dialog as plain
/// form posts and with htmx, the new key shown once, the old key's row until its moment, and the
/// 401 the old key gets afterwards, saying it was replaced and when. This class moves its app's clock.
/// </summary>
public abstract class KeyRollTests(KeyExpiryAppFixture fixture) : LeakCheckedTests(fixture.App)
{
    private static readonly HtmlParser Parser = new();

    private static string Settings(Guid projectId) => $"/projects/{projectId}/settings";

    private static string Handler(Guid projectId, string handler) => $"{Settings(projectId)}?handler={handler}";

    private static HttpRequestMessage WhoAmI(string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/whoami");
        request.Headers.TryAddWithoutValidation("Authorization", $"Bearer {key}");
        return request;
    }

    [Fact]
    public async Task WithoutJavaScriptAKeyIsRolledAtTheLimitTheNewKeyShownOnceAndTheOldKeyListedUntilItsMomentThenRefusedAsReplaced()
    {
        var browser = fixture.NewVisitor();
        var projectId = await browser.SignUpAsync();
        var oldKey = await browser.CreateApiKeyAsync(projectId, "Production");
        for (var i = 1; i < 5; i++)
        {
            await browser.CreateApiKeyAsync(projectId, $"Key {i}");
        }

        var keyId = DashboardHtml.KeyRowIds(await browser.GetPageAsync(Settings(projectId)))[0];

        var dialog = Parser.ParseDocument(await browser.GetPageAsync($"{Settings(projectId)}?roll={keyId}")).GetElementById("roll-key-dialog")!;
        Assert.True(dialog.HasAttribute("open"));
        Assert.Equal("Roll API key", dialog.QuerySelector("h2")!.TextContent);
        var group = dialog.QuerySelector("fieldset")!;
        Assert.Equal("Old key stops working", group.QuerySelector("legend")!.TextContent);
        Assert.Equal(["Now", "In 1 hour", "In 24 hours", "In 7 days"], group.QuerySelectorAll("label").Select(l => l.TextContent.Trim()));
        Assert.Equal("In24Hours", group.QuerySelector("input[type='radio'][checked]")!.GetAttribute("value"));
        Assert.Equal("Roll", dialog.QuerySelector("button[type='submit']")!.TextContent);

        var formToken = DashboardHtml.RollFormToken(await browser.GetPageAsync($"{Settings(projectId)}?roll={keyId}"))!;
        var fields = new Dictionary<string, string> { ["keyId"] = keyId.ToString(), ["grace"] = "In24Hours", ["formToken"] = formToken };
        var rolledOn = fixture.Clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        using var rolled = await browser.PostFormAsync(Handler(projectId, "Roll"), fields);
        var answer = await rolled.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, rolled.StatusCode);
        Assert.True(rolled.Headers.CacheControl?.NoStore, "no cache may keep the answer with the new key");
        var shown = Parser.ParseDocument(answer).GetElementById("roll-key-dialog")!;
        Assert.Equal("API key rolled", shown.QuerySelector("h2")!.TextContent);
        Assert.Equal("API key", shown.QuerySelector("label[for='created-api-key']")!.TextContent);
        Assert.True(shown.QuerySelector("#created-api-key")!.HasAttribute("readonly"));
        Assert.Equal("Copy", shown.QuerySelector("button[data-copy='created-api-key']")!.TextContent);
        // The signing secret did not change, so it is not shown again.
        Assert.Null(DashboardHtml.CreatedSigningSecret(answer));
        var newKey = DashboardHtml.CreatedKey(answer)!;
        Assert.NotEqual(oldKey, newKey);

        // The same form sent again (a reload) rolls nothing and shows no key.
        using var again = await browser.PostFormAsync(Handler(projectId, "Roll"), fields);
        var againHtml = await again.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Null(DashboardHtml.CreatedKey(againHtml));
        Assert.Contains("Key already shown", DashboardHtml.Text(againHtml));

        var page = await browser.GetPageAsync(Settings(projectId));
        Assert.Equal(5, DashboardHtml.KeyRowIds(page).Count);
        Assert.Equal(keyId, DashboardHtml.KeyRowIds(page)[0]);
        var oldRow = Assert.Single(DashboardHtml.RolledKeyRows(page));
        Assert.StartsWith($"Rolled · stops working in 24 hours {oldKey[..8]}…", oldRow);
        Assert.Equal(HttpStatusCode.OK, (await browser.Http.SendAsync(WhoAmI(oldKey))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.Http.SendAsync(WhoAmI(newKey))).StatusCode);
        // The old key's row shows its own last use.
        Assert.DoesNotContain("Never", Assert.Single(DashboardHtml.RolledKeyRows(await browser.GetPageAsync(Settings(projectId)))));

        fixture.Clock.Advance(TimeSpan.FromHours(24) + TimeSpan.FromMinutes(1));
        var trace = await ApiAssert.Error(await browser.Http.SendAsync(TraceEvents.Post(TraceEvents.Valid(), oldKey)), HttpStatusCode.Unauthorized, "invalid_api_key");
        var whoami = await ApiAssert.Error(await browser.Http.SendAsync(WhoAmI(oldKey)), HttpStatusCode.Unauthorized, "invalid_api_key");
        Assert.Equal($"This API key was replaced by a rolled key on {rolledOn}; use the new key.", (string)trace["message"]!);
        Assert.Equal((string)trace["message"]!, (string)whoami["message"]!);
        ApiAssert.StandsAlone((string)trace["message"]!);
        Assert.Equal(HttpStatusCode.OK, (await browser.Http.SendAsync(WhoAmI(newKey))).StatusCode);

        page = await browser.GetPageAsync(Settings(projectId));
        Assert.Empty(DashboardHtml.RolledKeyRows(page));
        Assert.Contains(DashboardHtml.ActivityLines(page), line => line.Contains($"rolled key \"Production\" {oldKey[..8]}…, old key stops working in 24 hours", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WithHtmxTheRollAnswerSwapsInTheNewKeyAndTheListAndRevokingTheOldKeysRowEndsItNow()
    {
        var browser = fixture.NewVisitor();
        var projectId = await browser.SignUpAsync();
        var oldKey = await browser.CreateApiKeyAsync(projectId, "Production");
        var keyId = DashboardHtml.KeyRowIds(await browser.GetPageAsync(Settings(projectId)))[0];
        var rollUrl = $"{Handler(projectId, "Roll")}&keyId={keyId}";

        async Task<string> RollAsync(string grace)
        {
            var form = await browser.Http.SendAsync(new HttpRequestMessage(HttpMethod.Get, rollUrl) { Headers = { { "HX-Request", "true" } } });
            var formHtml = await form.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.OK, form.StatusCode);
            var token = Parser.ParseDocument(formHtml).QuerySelector("input[name='formToken']")!.GetAttribute("value")!;
            using var response = await browser.PostFormAsync(Handler(projectId, "Roll"), new() { ["keyId"] = keyId.ToString(), ["grace"] = grace, ["formToken"] = token }, htmx: true);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.True(response.Headers.CacheControl?.NoStore, "no cache may keep the answer with the new key");
            return await response.Content.ReadAsStringAsync();
        }

        var now = await RollAsync("Now");
        Assert.True(DashboardHtml.IsRollAnswer(now));
        Assert.Contains("The old key has stopped working.", DashboardHtml.Text(now));
        Assert.Equal("true", Parser.ParseDocument(now).GetElementById("api-keys-list")!.GetAttribute("hx-swap-oob"));
        Assert.Empty(DashboardHtml.RolledKeyRows(now));
        var secondKey = DashboardHtml.CreatedKey(now)!;
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.Http.SendAsync(WhoAmI(oldKey))).StatusCode);

        var inAWeek = await RollAsync("In7Days");
        Assert.StartsWith($"Rolled · stops working in 7 days {secondKey[..8]}…", Assert.Single(DashboardHtml.RolledKeyRows(inAWeek)));
        var form = await (await browser.Http.SendAsync(new HttpRequestMessage(HttpMethod.Get, rollUrl) { Headers = { { "HX-Request", "true" } } })).Content.ReadAsStringAsync();
        Assert.Contains("Rolling again ends the previous key, still working until", DashboardHtml.Text(form));

        // A value that is no choice of the group rolls nothing.
        var page = await browser.GetPageAsync($"{Settings(projectId)}?roll={keyId}");
        using (var forged = await browser.PostFormAsync(Handler(projectId, "Roll"), new() { ["keyId"] = keyId.ToString(), ["grace"] = "Forever", ["formToken"] = DashboardHtml.RollFormToken(page)! }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        }

        page = await browser.GetPageAsync(Settings(projectId));
        var oldRowId = Parser.ParseDocument(page).QuerySelector("tr[data-rolled-row]")!.Id!["rolled-".Length..];
        var confirm = DashboardHtml.Text(await browser.GetPageAsync($"{Settings(projectId)}?revoke={oldRowId}"));
        Assert.Contains($"Revoke the old key ({secondKey[..8]}…) of a rolled key?", confirm);
        using (var revoked = await browser.PostFormAsync(Handler(projectId, "Revoke"), new() { ["keyId"] = oldRowId }))
        {
            Assert.Equal(HttpStatusCode.Redirect, revoked.StatusCode);
        }

        page = await browser.GetPageAsync(Settings(projectId));
        Assert.Empty(DashboardHtml.RolledKeyRows(page));
        Assert.Equal([keyId], DashboardHtml.KeyRowIds(page));
        var refused = await ApiAssert.Error(await browser.Http.SendAsync(WhoAmI(secondKey)), HttpStatusCode.Unauthorized, "invalid_api_key");
        Assert.StartsWith("This API key was replaced by a rolled key on ", (string)refused["message"]!);
    }
}

public sealed class KeyRollOnEmbeddedStorage(EmbeddedKeyExpiryAppFixture fixture)
    : KeyRollTests(fixture), IClassFixture<EmbeddedKeyExpiryAppFixture>;

public sealed class KeyRollOnPostgres(PostgresKeyExpiryAppFixture fixture)
    : KeyRollTests(fixture), IClassFixture<PostgresKeyExpiryAppFixture>;
