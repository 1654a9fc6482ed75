using System.Net;
using System.Text;
using Mentiora.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Mentiora.Tests.Browser;

/// <summary>Rolling a key's signing secret in the Allowed origins dialog in a real Chromium, with htmx, under the strict Content-Security-Policy.</summary>
public sealed class SecretRollBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private const string Site = "https://app.example.com";

    private readonly MentioraApp _app = new(TestStorage.NewEmbedded());
    private HttpClient _api = null!;
    private IPage _page = null!;

    public async Task InitializeAsync()
    {
        _api = _app.Start();
        _page = await browser.NewPageAsync(_api.BaseAddress!);
        await _page.SignUpAsync();
    }

    public Task DisposeAsync() => browser.AssertNoPolicyViolationsThenDisposeAsync(_app);

    private static HttpRequestMessage WhoAmI(string publishableKey, string signingSecret)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/whoami");
        request.Headers.TryAddWithoutValidation("Authorization", $"Bearer {publishableKey}");
        request.Headers.Add("Origin", Site);
        request.Headers.Add("X-Mentiora-Identity-Token",
            HandMadeTokens.Sign(HandMadeTokens.Hs256Header, HandMadeTokens.Claims(now, now + 900), Encoding.UTF8.GetBytes(signingSecret)));
        return request;
    }

    [Fact]
    public async Task ATeamRollsTheSigningSecretWithAnHourOfOverlapCopiesTheNewSecretShownOnceAndBothSecretsSignTokensThatWork()
    {
        await _page.OpenSettingsAsync();
        var oldSecret = string.Empty;
        await _page.CreateKeyAsync("Website", async (created, _) =>
            oldSecret = await created.GetByRole(AriaRole.Textbox, new() { Name = "Signing secret", Exact = true }).InputValueAsync());
        var row = _page.GetByRole(AriaRole.Row).Filter(new() { HasText = "Website" });
        await row.GetByRole(AriaRole.Button, new() { Name = "Allowed origins" }).ClickAsync();
        var dialog = _page.GetByRole(AriaRole.Dialog, new() { Name = "Allowed origins" });
        await dialog.GetByRole(AriaRole.Textbox, new() { Name = "Origin", Exact = true }).FillAsync(Site);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Add origin" }).ClickAsync();
        await Expect(dialog.GetByRole(AriaRole.List, new() { Name = "Origins", Exact = true })).ToContainTextAsync(Site);
        var publishableKey = await dialog.GetByRole(AriaRole.Textbox, new() { Name = "Publishable key" }).InputValueAsync();

        var grace = dialog.GetByRole(AriaRole.Group, new() { Name = "Old signing secret stops working" });
        await Expect(grace.GetByRole(AriaRole.Radio)).ToHaveCountAsync(4);
        await Expect(grace.GetByRole(AriaRole.Radio, new() { Name = "In 24 hours" })).ToBeCheckedAsync();
        await grace.GetByRole(AriaRole.Radio, new() { Name = "In 1 hour" }).CheckAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Roll signing secret" }).ClickAsync();

        var shown = dialog.GetByRole(AriaRole.Textbox, new() { Name = "New signing secret" });
        await Expect(shown).ToHaveAttributeAsync("readonly", string.Empty);
        await Expect(dialog.GetByRole(AriaRole.Button, new() { Name = "Copy new signing secret" })).ToBeVisibleAsync();
        await Expect(dialog).ToContainTextAsync("Shown only once");
        await Expect(dialog.Locator("[data-previous-signing-secret]")).ToContainTextAsync("Previous signing secret works until");
        var newSecret = await shown.ReadIssuedSecretAsync(SecretKind.SigningSecret);
        Assert.NotEqual(oldSecret, newSecret);
        await browser.SaveScreenshotAsync(_page, "Settings.signing-secret-rolled");

        // The overlap: the servers not yet deployed with the new secret keep working.
        Assert.Equal(HttpStatusCode.OK, (await _api.SendAsync(WhoAmI(publishableKey, newSecret))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _api.SendAsync(WhoAmI(publishableKey, oldSecret))).StatusCode);

        // Closed, the secret leaves the page; reopened, the dialog says until when the old one works, and never shows the new one again.
        await dialog.GetByRole(AriaRole.Link, new() { Name = "Done" }).ClickAsync();
        await Expect(_page.Locator("#rolled-signing-secret")).ToHaveCountAsync(0);
        await row.GetByRole(AriaRole.Button, new() { Name = "Allowed origins" }).ClickAsync();
        await Expect(dialog.Locator("[data-previous-signing-secret]")).ToContainTextAsync("Previous signing secret works until");
        await Expect(dialog.GetByRole(AriaRole.Textbox, new() { Name = "New signing secret" })).ToHaveCountAsync(0);
        Assert.DoesNotContain(newSecret, await _page.ContentAsync());
    }
}
