using System.Globalization;
using System.Net;
using AngleSharp.Html.Parser;
using Mentiora.Tests.Infrastructure;

namespace Mentiora.Tests.Dashboard;

/// <summary>
/// Rolling a key's signing secret and publishable key from the Allowed origins dialog, as a team and
/// a client meet it, on both storage modes: plain form posts (and htmx), the new secret shown once,
/// both old and new working during the overlap, and the dated 401 after it.
/// </summary>
public abstract class SecretRollTests(KeyExpiryAppFixture fixture) : LeakCheckedTests(fixture.App)
{
    private const string Origin = "https://app.example.com";

    private static readonly HtmlParser Parser = new();

    private static string Settings(Guid projectId) => $"/projects/{projectId}/settings";

    private static string Handler(Guid projectId, string handler) => $"{Settings(projectId)}?handler={handler}";

    private static string Day(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>A signed-in team with one key allowed on <see cref="Origin"/>: its id, publishable key and signing secret.</summary>
    private async Task<(DashboardClient Browser, Guid ProjectId, string KeyId, string PublishableKey, string SigningSecret)> BrowserKeyAsync()
    {
        var browser = fixture.NewVisitor();
        var projectId = await browser.SignUpAsync();
        var form = await browser.GetPageAsync($"{Settings(projectId)}?dialog=create");
        using var created = await browser.PostFormAsync(Handler(projectId, "Create"), new() { ["name"] = "Web", ["formToken"] = DashboardHtml.CreateFormToken(form)! });
        var signingSecret = DashboardHtml.CreatedSigningSecret(await created.Content.ReadAsStringAsync())!;
        var keyId = DashboardHtml.KeyRowIds(await browser.GetPageAsync(Settings(projectId)))[0].ToString();
        using (var added = await browser.PostFormAsync(Handler(projectId, "AddOrigin"), new() { ["keyId"] = keyId, ["origin"] = Origin }))
        {
            Assert.Equal(HttpStatusCode.Redirect, added.StatusCode);
        }

        var dialog = Parser.ParseDocument(await browser.GetPageAsync($"{Settings(projectId)}?origins={keyId}"));
        var publishableKey = dialog.GetElementById($"publishable-key-{keyId}")!.GetAttribute("value")!;
        return (browser, projectId, keyId, publishableKey, signingSecret);
    }

    private string TokenSignedWith(string signingSecret)
    {
        var now = fixture.Clock.GetUtcNow().ToUnixTimeSeconds();
        return HandMadeTokens.Sign(HandMadeTokens.Hs256Header, HandMadeTokens.Claims(now, now + 900), System.Text.Encoding.UTF8.GetBytes(signingSecret));
    }

    private static HttpRequestMessage BrowserWhoAmI(string publishableKey, string? identityToken = null, string origin = Origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/whoami");
        request.Headers.TryAddWithoutValidation("Authorization", $"Bearer {publishableKey}");
        request.Headers.Add("Origin", origin);
        if (identityToken is not null)
        {
            request.Headers.Add("X-Mentiora-Identity-Token", identityToken);
        }

        return request;
    }

    private static string Said(string html, string selector) =>
        string.Join(' ', (Parser.ParseDocument(html).QuerySelector(selector)?.TextContent ?? string.Empty).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    [Fact]
    public async Task WithoutJavaScriptRollingTheSigningSecretShowsTheNewSecretOnceAndOldTokensVerifyUntilTheOverlapEndsThenAreToldTheDay()
    {
        var (browser, projectId, keyId, publishableKey, oldSecret) = await BrowserKeyAsync();
        var dialog = Parser.ParseDocument(await browser.GetPageAsync($"{Settings(projectId)}?origins={keyId}"));
        var form = dialog.QuerySelector("#origins-dialog-body form[action*='RollSigningSecret']")!;
        Assert.Equal("Old signing secret stops working", form.QuerySelector("legend")!.TextContent);
        Assert.Equal(["Now", "In 1 hour", "In 24 hours", "In 7 days"], form.QuerySelectorAll("label.radio-field").Select(l => l.TextContent.Trim()));
        Assert.Equal("Roll signing secret", form.QuerySelector("button[type='submit']")!.TextContent);
        var formToken = form.QuerySelector("input[name='formToken']")!.GetAttribute("value")!;

        using var rolled = await browser.PostFormAsync(Handler(projectId, "RollSigningSecret"), new() { ["keyId"] = keyId, ["formToken"] = formToken, ["grace"] = "In1Hour" });
        var rolledAt = fixture.Clock.GetUtcNow();
        var answer = await rolled.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, rolled.StatusCode);
        Assert.True(rolled.Headers.CacheControl?.NoStore, "the answer showing the new secret is not stored by any cache");
        var newSecret = DashboardHtml.RolledSigningSecret(answer);
        Assert.False(string.IsNullOrEmpty(newSecret), "the new signing secret is shown once");
        Assert.NotEqual(oldSecret, newSecret);
        Assert.Contains("Previous signing secret works until", Said(answer, "[data-previous-signing-secret]"));

        // The same form sent again (a reload) rolls nothing and shows no secret.
        using var again = await browser.PostFormAsync(Handler(projectId, "RollSigningSecret"), new() { ["keyId"] = keyId, ["formToken"] = formToken, ["grace"] = "In1Hour" });
        var againPage = await again.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Null(DashboardHtml.RolledSigningSecret(againPage));
        Assert.Contains("already rolled the signing secret", Said(againPage, "#origins-dialog-body .alert.error"));
        Assert.DoesNotContain(newSecret, await browser.GetPageAsync($"{Settings(projectId)}?origins={keyId}"));

        // During the overlap both secrets sign tokens that verify.
        Assert.Equal(HttpStatusCode.OK, (await browser.Http.SendAsync(BrowserWhoAmI(publishableKey, TokenSignedWith(oldSecret)))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.Http.SendAsync(BrowserWhoAmI(publishableKey, TokenSignedWith(newSecret)))).StatusCode);
        Assert.Contains(DashboardHtml.ActivityLines(await browser.GetPageAsync(Settings(projectId))),
            line => line.Contains("rolled the signing secret of key \"Web\"", StringComparison.Ordinal) && line.Contains("(old one stops working in 1 hour)", StringComparison.Ordinal));

        fixture.Clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromMinutes(1));
        var refused = await ApiAssert.Error(await browser.Http.SendAsync(BrowserWhoAmI(publishableKey, TokenSignedWith(oldSecret))), HttpStatusCode.Unauthorized, "identity_token_invalid");
        Assert.Equal(
            $"The identity token was signed with a signing secret that was replaced on {Day(rolledAt)}. Sign identity tokens with the current signing secret (Settings → API Keys → Allowed origins).",
            (string)refused["message"]!);
        Assert.Equal(HttpStatusCode.OK, (await browser.Http.SendAsync(BrowserWhoAmI(publishableKey, TokenSignedWith(newSecret)))).StatusCode);
        var stranger = await ApiAssert.Error(await browser.Http.SendAsync(BrowserWhoAmI(publishableKey, TokenSignedWith("not-the-secret-of-any-key-at-all"))), HttpStatusCode.Unauthorized, "identity_token_invalid");
        Assert.DoesNotContain("replaced", (string)stranger["message"]!);
    }

    [Fact]
    public async Task WithoutJavaScriptRollingThePublishableKeyRedirectsToTheDialogAndBothKeysWorkUntilTheOverlapEndsThenTheOldOneIsToldTheDay()
    {
        var (browser, projectId, keyId, oldKey, _) = await BrowserKeyAsync();
        using (var forged = await browser.PostFormAsync(Handler(projectId, "RollPublishableKey"), new() { ["keyId"] = keyId, ["grace"] = "Tomorrow" }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        }

        await browser.GetPageAsync($"{Settings(projectId)}?origins={keyId}");
        using var rolled = await browser.PostFormAsync(Handler(projectId, "RollPublishableKey"), new() { ["keyId"] = keyId, ["grace"] = "In24Hours" });
        var rolledAt = fixture.Clock.GetUtcNow();
        Assert.Equal(HttpStatusCode.Redirect, rolled.StatusCode);
        var dialogHtml = await browser.GetPageAsync(rolled.Headers.Location!.OriginalString);
        var newKey = Parser.ParseDocument(dialogHtml).GetElementById($"publishable-key-{keyId}")!.GetAttribute("value")!;
        Assert.NotEqual(oldKey, newKey);
        Assert.StartsWith("pk_live_", newKey);
        Assert.StartsWith($"Previous publishable key {oldKey} works until {Day(rolledAt.AddHours(24))}", Said(dialogHtml, "[data-previous-publishable-key]"));

        Assert.Equal(HttpStatusCode.OK, (await browser.Http.SendAsync(BrowserWhoAmI(oldKey))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.Http.SendAsync(BrowserWhoAmI(newKey))).StatusCode);
        await ApiAssert.Error(await browser.Http.SendAsync(BrowserWhoAmI(oldKey, origin: "https://evil.example.net")), HttpStatusCode.Forbidden, "origin_not_allowed");

        fixture.Clock.Advance(TimeSpan.FromHours(24) + TimeSpan.FromMinutes(1));
        var refused = await ApiAssert.Error(await browser.Http.SendAsync(BrowserWhoAmI(oldKey)), HttpStatusCode.Unauthorized, "invalid_api_key");
        Assert.Equal(
            $"This publishable key was replaced by a rolled key on {Day(rolledAt)}; use the new publishable key from Settings → API Keys → Allowed origins.",
            (string)refused["message"]!);
        Assert.Equal(HttpStatusCode.OK, (await browser.Http.SendAsync(BrowserWhoAmI(newKey))).StatusCode);
    }

    [Fact]
    public async Task WithHtmxEachRollSwapsTheDialogAndARolledPublishableKeyAlsoUpdatesTheKeyList()
    {
        var (browser, projectId, keyId, oldKey, _) = await BrowserKeyAsync();
        var dialog = Parser.ParseDocument(await browser.GetPageAsync($"{Settings(projectId)}?origins={keyId}"));
        var formToken = dialog.QuerySelector("form[action*='RollSigningSecret'] input[name='formToken']")!.GetAttribute("value")!;

        using var secret = await browser.PostFormAsync(Handler(projectId, "RollSigningSecret"), new() { ["keyId"] = keyId, ["formToken"] = formToken, ["grace"] = "Now" }, htmx: true);
        var secretPartial = await secret.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, secret.StatusCode);
        Assert.True(secret.Headers.CacheControl?.NoStore);
        Assert.DoesNotContain("<html", secretPartial);
        Assert.False(string.IsNullOrEmpty(DashboardHtml.RolledSigningSecret(secretPartial)));
        Assert.Contains("The previous signing secret stopped working.", Said(secretPartial, ".alert.success"));
        Assert.Equal("", Said(secretPartial, "[data-previous-signing-secret]"));

        using var publishable = await browser.PostFormAsync(Handler(projectId, "RollPublishableKey"), new() { ["keyId"] = keyId, ["grace"] = "In1Hour" }, htmx: true);
        var publishablePartial = Parser.ParseDocument(await publishable.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, publishable.StatusCode);
        var newKey = publishablePartial.GetElementById($"publishable-key-{keyId}")!.GetAttribute("value")!;
        Assert.NotEqual(oldKey, newKey);
        var list = publishablePartial.QuerySelector("#api-keys-list[hx-swap-oob]")!;
        Assert.Equal(newKey, list.QuerySelector("[data-copy-text]")!.GetAttribute("data-copy-text"));
        Assert.Contains("The publishable key was rolled.", publishablePartial.QuerySelector(".alert.success")!.TextContent);
    }
}

public sealed class SecretRollOnEmbeddedStorage(EmbeddedKeyExpiryAppFixture fixture)
    : SecretRollTests(fixture), IClassFixture<EmbeddedKeyExpiryAppFixture>;

public sealed class SecretRollOnPostgres(PostgresKeyExpiryAppFixture fixture)
    : SecretRollTests(fixture), IClassFixture<PostgresKeyExpiryAppFixture>;
