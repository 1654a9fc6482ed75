using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using Mentiora.Tests.Infrastructure;

namespace Mentiora.Tests.Dashboard;

/// <summary>
/// Expiring keys as a team and a client meet them, on both storage modes: the create dialog's
/// Expires select (plain form posts and htmx), the list's Expires column as time passes, the
/// 401 an expired or revoked key and its publishable key get, saying since when, and the Activity
/// entry of an expiry. Revocation lives here because its 90-day memory needs this moving clock.
/// </summary>
public abstract class KeyExpiryTests(KeyExpiryAppFixture fixture) : LeakCheckedTests(fixture.App)
{
    private const string Origin = "https://app.example.com";

    private static readonly HtmlParser Parser = new();

    // Who an entry that no account caused is by, as the Activity card and its CSV name it.
    private const string ActivityWho = "Mentiora";

    private static string Settings(Guid projectId) => $"/projects/{projectId}/settings";

    private static string Handler(Guid projectId, string handler) => $"{Settings(projectId)}?handler={handler}";

    private static async Task<string> CreateKeyAsync(DashboardClient browser, Guid projectId, string name, string? expires, bool htmx = false)
    {
        var page = await browser.GetPageAsync($"{Settings(projectId)}?dialog=create");
        var fields = new Dictionary<string, string> { ["name"] = name, ["formToken"] = DashboardHtml.CreateFormToken(page)! };
        if (expires is not null)
        {
            fields["expires"] = expires;
        }

        using var response = await browser.PostFormAsync(Handler(projectId, "Create"), fields, htmx);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var key = DashboardHtml.CreatedKey(await response.Content.ReadAsStringAsync());
        Assert.True(key is not null, "the created key is shown once");
        return key;
    }

    private static IElement RowOf(string html, string key)
    {
        var rows = Parser.ParseDocument(html).QuerySelectorAll("tr[data-key-row]");
        return rows.Single(r => r.QuerySelector("code.key-prefix")!.TextContent.StartsWith(key[..8], StringComparison.Ordinal));
    }

    private static string ExpiresText(IElement row) =>
        string.Join(' ', row.QuerySelector("td.expires")!.TextContent.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    private static HttpRequestMessage WhoAmI(string key, string? origin = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/whoami");
        request.Headers.TryAddWithoutValidation("Authorization", $"Bearer {key}");
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        return request;
    }

    private async Task<DashboardClient> SignedInAgainAsync(string email)
    {
        // The clock moved past the session's lifetime: the person signs in again, as they would.
        var browser = fixture.NewVisitor();
        await browser.GetPageAsync("/signin");
        using var response = await browser.PostFormAsync("/signin", new() { ["Email"] = email, ["Password"] = DashboardClient.Password });
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return browser;
    }

    private static async Task<IElement?> WaitForExpiredRefusalsAsync(DashboardClient browser, string url)
    {
        // Each silo reports its counts about once a second: the page shows them within a few.
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var row = Parser.ParseDocument(await browser.GetPageAsync(url)).QuerySelector("tr[data-reason='KeyExpired']");
            // Three refusals: the trace and whoami with the secret key, whoami with the publishable key.
            if (row?.QuerySelectorAll("td").ElementAtOrDefault(1)?.TextContent.Trim() == "3" || DateTime.UtcNow > deadline)
            {
                return row;
            }

            await Task.Delay(200);
        }
    }

    [Fact]
    public async Task TheCreateDialogOffersExpiryChoicesAndTheListAndWhoamiSayWhenEachKeyExpires()
    {
        var browser = fixture.NewVisitor();
        var projectId = await browser.SignUpAsync();

        var dialog = Parser.ParseDocument(await browser.GetPageAsync($"{Settings(projectId)}?dialog=create"));
        var select = dialog.QuerySelector("#create-key-dialog-body select[name='expires']")!;
        Assert.Equal("Expires", dialog.QuerySelector($"label[for='{select.Id}']")!.TextContent);
        Assert.Equal(["Never", "In 30 days", "In 90 days", "In 1 year"], select.QuerySelectorAll("option").Select(o => o.TextContent));
        Assert.Equal("Never", select.QuerySelector("option[selected]")!.TextContent);

        var in30Days = await CreateKeyAsync(browser, projectId, "Thirty", "In30Days");
        var never = await CreateKeyAsync(browser, projectId, "Forever", expires: null);
        var in90Days = await CreateKeyAsync(browser, projectId, "Ninety", "In90Days", htmx: true);
        var inAYear = await CreateKeyAsync(browser, projectId, "Year", "In1Year");

        var page = await browser.GetPageAsync(Settings(projectId));
        Assert.Contains("Expires", Parser.ParseDocument(page).QuerySelectorAll("#api-keys-list th").Select(th => th.TextContent));
        Assert.Equal("in 30 days", ExpiresText(RowOf(page, in30Days)));
        Assert.Equal("Never", ExpiresText(RowOf(page, never)));
        Assert.Equal("in 90 days", ExpiresText(RowOf(page, in90Days)));
        Assert.Equal("in 365 days", ExpiresText(RowOf(page, inAYear)));
        Assert.Null(RowOf(page, in30Days).QuerySelector(".badge.warning"));
        var shownExpiry = DateTimeOffset.Parse(RowOf(page, in30Days).QuerySelector("td.expires time")!.GetAttribute("datetime")!, CultureInfo.InvariantCulture);

        var thirty = (await (await browser.Http.SendAsync(WhoAmI(in30Days))).Content.ReadFromJsonAsync<JsonObject>())!["key"]!;
        var forever = (await (await browser.Http.SendAsync(WhoAmI(never))).Content.ReadFromJsonAsync<JsonObject>())!["key"]!.AsObject();
        var whoamiExpiry = DateTimeOffset.Parse((string)thirty["expires_at"]!, CultureInfo.InvariantCulture);
        Assert.InRange(whoamiExpiry - shownExpiry, TimeSpan.Zero, TimeSpan.FromSeconds(1));
        Assert.EndsWith("Z", (string)thirty["expires_at"]!);
        Assert.True(forever.ContainsKey("expires_at"));
        Assert.Null(forever["expires_at"]);

        // A value that is no choice of the select creates nothing, rather than a key that never expires.
        var form = await browser.GetPageAsync($"{Settings(projectId)}?dialog=create");
        using var forged = await browser.PostFormAsync(Handler(projectId, "Create"),
            new() { ["name"] = "Forged", ["formToken"] = DashboardHtml.CreateFormToken(form)!, ["expires"] = "Tomorrow" });
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(4, DashboardHtml.KeyRowIds(await browser.GetPageAsync(Settings(projectId))).Count);
    }

    [Fact]
    public async Task AnExpiredKeyIsRefusedWithTheDayItExpiredAndItsRowStaysGreyedUntilRevoked()
    {
        var email = DashboardClient.NewEmail();
        var browser = fixture.NewVisitor();
        var projectId = await browser.SignUpAsync(email);
        var key = await CreateKeyAsync(browser, projectId, "Thirty", "In30Days");
        var keyId = DashboardHtml.KeyRowIds(await browser.GetPageAsync(Settings(projectId)))[0].ToString();
        using (var added = await browser.PostFormAsync(Handler(projectId, "AddOrigin"), new() { ["keyId"] = keyId, ["origin"] = Origin }))
        {
            Assert.Equal(HttpStatusCode.Redirect, added.StatusCode);
        }

        var page = await browser.GetPageAsync(Settings(projectId));
        var publishableKey = RowOf(page, key).QuerySelector("[data-copy-text]")!.GetAttribute("data-copy-text")!;
        var expiresAt = DateTimeOffset.Parse(RowOf(page, key).QuerySelector("td.expires time")!.GetAttribute("datetime")!, CultureInfo.InvariantCulture);

        fixture.Clock.Advance(TimeSpan.FromDays(24));
        browser = await SignedInAgainAsync(email);
        var soon = RowOf(await browser.GetPageAsync(Settings(projectId)), key);
        Assert.Equal("in 6 days Expires soon", ExpiresText(soon));
        Assert.NotNull(soon.QuerySelector(".badge.warning"));
        Assert.Equal(HttpStatusCode.OK, (await browser.Http.SendAsync(WhoAmI(key))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.Http.SendAsync(WhoAmI(publishableKey, Origin))).StatusCode);

        fixture.Clock.Advance(TimeSpan.FromDays(6) + TimeSpan.FromMinutes(1));
        var day = expiresAt.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var trace = await ApiAssert.Error(await browser.Http.SendAsync(TraceEvents.Post(TraceEvents.Valid(), key)), HttpStatusCode.Unauthorized, "invalid_api_key");
        var whoami = await ApiAssert.Error(await browser.Http.SendAsync(WhoAmI(key)), HttpStatusCode.Unauthorized, "invalid_api_key");
        var browserWhoami = await ApiAssert.Error(await browser.Http.SendAsync(WhoAmI(publishableKey, Origin)), HttpStatusCode.Unauthorized, "invalid_api_key");
        Assert.Equal($"This API key expired on {day}. Create a new key in Settings → API Keys.", (string)trace["message"]!);
        Assert.Equal((string)trace["message"]!, (string)whoami["message"]!);
        Assert.Equal($"This publishable key expired on {day}. Create a new key in Settings → API Keys.", (string)browserWhoami["message"]!);

        browser = await SignedInAgainAsync(email);
        var usage = await WaitForExpiredRefusalsAsync(browser, $"/projects/{projectId}/keys/{keyId}/usage");
        Assert.True(usage is not null, "the key's usage counts the refusals of the expired key");
        Assert.Equal("3", usage.QuerySelectorAll("td")[1].TextContent.Trim());
        Assert.Contains("Key expired", usage.TextContent);
        Assert.Contains("invalid_api_key", usage.TextContent);

        var expired = RowOf(await browser.GetPageAsync(Settings(projectId)), key);
        Assert.Contains("expired-key", expired.ClassList);
        Assert.Equal("expired", ExpiresText(expired));
        Assert.NotNull(expired.QuerySelector("button[aria-label='Revoke key']"));

        using var revoked = await browser.PostFormAsync(Handler(projectId, "Revoke"), new() { ["keyId"] = keyId });
        Assert.Equal(HttpStatusCode.Redirect, revoked.StatusCode);
        Assert.Empty(DashboardHtml.KeyRowIds(await browser.GetPageAsync(Settings(projectId))));
        // Revoked once expired, it still says when it expired: that is what happened to it.
        var afterRevoke = await ApiAssert.Error(await browser.Http.SendAsync(TraceEvents.Post(TraceEvents.Valid(), key)), HttpStatusCode.Unauthorized, "invalid_api_key");
        var browserAfterRevoke = await ApiAssert.Error(await browser.Http.SendAsync(WhoAmI(publishableKey, Origin)), HttpStatusCode.Unauthorized, "invalid_api_key");
        Assert.Equal((string)trace["message"]!, (string)afterRevoke["message"]!);
        Assert.Equal((string)browserWhoami["message"]!, (string)browserAfterRevoke["message"]!);
    }

    [Fact]
    public async Task TheActivityCardAndItsCsvSayOnceThatAKeyExpiredWithMentioraAsWho()
    {
        var email = DashboardClient.NewEmail();
        var browser = fixture.NewVisitor();
        var projectId = await browser.SignUpAsync(email);
        var key = await CreateKeyAsync(browser, projectId, "Thirty", "In30Days");

        fixture.Clock.Advance(TimeSpan.FromDays(30) + TimeSpan.FromMinutes(1));
        await ApiAssert.Error(await browser.Http.SendAsync(WhoAmI(key)), HttpStatusCode.Unauthorized, "invalid_api_key");
        browser = await SignedInAgainAsync(email);
        await browser.GetPageAsync(Settings(projectId));

        // A plain page load, no script: the card lists the expiry once, by Mentiora, with no address.
        var card = Parser.ParseDocument(await browser.GetPageAsync(Settings(projectId))).QuerySelector("#activity-card")!;
        var expired = card.QuerySelectorAll("li").Where(li => li.TextContent.Contains("expired", StringComparison.Ordinal)).ToList();
        var line = Assert.Single(expired);
        Assert.Equal(ActivityWho, line.QuerySelector("strong")!.TextContent);
        Assert.Equal($"key \"Thirty\" {key[..8]}… expired", line.QuerySelector("span")!.TextContent);
        Assert.DoesNotContain("from ", line.TextContent, StringComparison.Ordinal);

        var csv = await browser.Http.GetStringAsync($"/projects/{projectId}/activity.csv");
        var csvLine = Assert.Single(csv.Split("\r\n"), l => l.Contains("expired", StringComparison.Ordinal));
        Assert.Contains($",{ActivityWho},\"key \"\"Thirty\"\" {key[..8]}… expired\",Thirty,", csvLine, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARevokedKeyAndItsPublishableKeyAreToldTheDayTheyWereRevokedForNinetyDaysButAPrefixOrAWrongKeyIsNot()
    {
        var email = DashboardClient.NewEmail();
        var browser = fixture.NewVisitor();
        var projectId = await browser.SignUpAsync(email);
        var key = await CreateKeyAsync(browser, projectId, "Production", expires: null);
        var keyId = DashboardHtml.KeyRowIds(await browser.GetPageAsync(Settings(projectId)))[0].ToString();
        using (var added = await browser.PostFormAsync(Handler(projectId, "AddOrigin"), new() { ["keyId"] = keyId, ["origin"] = Origin }))
        {
            Assert.Equal(HttpStatusCode.Redirect, added.StatusCode);
        }

        var publishableKey = RowOf(await browser.GetPageAsync(Settings(projectId)), key).QuerySelector("[data-copy-text]")!.GetAttribute("data-copy-text")!;
        Assert.Equal(HttpStatusCode.OK, (await browser.Http.SendAsync(WhoAmI(key))).StatusCode);
        using (var revoked = await browser.PostFormAsync(Handler(projectId, "Revoke"), new() { ["keyId"] = keyId }))
        {
            Assert.Equal(HttpStatusCode.Redirect, revoked.StatusCode);
        }

        var day = fixture.Clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        fixture.Clock.Advance(TimeSpan.FromDays(2));
        var trace = await ApiAssert.Error(await browser.Http.SendAsync(TraceEvents.Post(TraceEvents.Valid(), key)), HttpStatusCode.Unauthorized, "invalid_api_key");
        var whoami = await ApiAssert.Error(await browser.Http.SendAsync(WhoAmI(key)), HttpStatusCode.Unauthorized, "invalid_api_key");
        var fromPage = await ApiAssert.Error(await browser.Http.SendAsync(WhoAmI(publishableKey, Origin)), HttpStatusCode.Unauthorized, "invalid_api_key");
        Assert.Equal($"This API key was revoked on {day}. Create a new key in Settings → API Keys.", (string)trace["message"]!);
        Assert.Equal((string)trace["message"]!, (string)whoami["message"]!);
        Assert.Equal($"This publishable key was revoked on {day}. Create a new key in Settings → API Keys.", (string)fromPage["message"]!);

        // Only the whole key learns its story: the prefix alone, or the prefix with a wrong rest, is told nothing of it.
        var prefixOnly = await ApiAssert.Error(await browser.Http.SendAsync(WhoAmI(key[..8])), HttpStatusCode.Unauthorized, "invalid_api_key");
        var wrongRest = await ApiAssert.Error(await browser.Http.SendAsync(WhoAmI(key[..8] + new string(key[8..].Reverse().ToArray()))), HttpStatusCode.Unauthorized, "invalid_api_key");
        Assert.DoesNotContain("revoked on", (string)prefixOnly["message"]!);
        Assert.StartsWith("The API key is not valid.", (string)wrongRest["message"]!);

        // 90 days after the revocation the key is forgotten: a plain refusal, on a silo that had it cached as well.
        fixture.Clock.Advance(TimeSpan.FromDays(88) + TimeSpan.FromMinutes(1));
        var forgotten = await ApiAssert.Error(await browser.Http.SendAsync(TraceEvents.Post(TraceEvents.Valid(), key)), HttpStatusCode.Unauthorized, "invalid_api_key");
        var forgottenFromPage = await ApiAssert.Error(await browser.Http.SendAsync(WhoAmI(publishableKey, Origin)), HttpStatusCode.Unauthorized, "invalid_api_key");
        Assert.StartsWith("The API key is not valid.", (string)forgotten["message"]!);
        Assert.StartsWith("The publishable key is not valid.", (string)forgottenFromPage["message"]!);
    }
}

public sealed class KeyExpiryOnEmbeddedStorage(EmbeddedKeyExpiryAppFixture fixture)
    : KeyExpiryTests(fixture), IClassFixture<EmbeddedKeyExpiryAppFixture>;

public sealed class KeyExpiryOnPostgres(PostgresKeyExpiryAppFixture fixture)
    : KeyExpiryTests(fixture), IClassFixture<PostgresKeyExpiryAppFixture>;
