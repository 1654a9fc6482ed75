using System.Net;
using System.Text.RegularExpressions;
using Mentiora.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Mentiora.Tests.Browser;

/// <summary>Rolling a key in a real Chromium under the strict Content-Security-Policy, with a grace period and without.</summary>
public sealed partial class KeyRollBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IAsyncLifetime
{
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

    private async Task<HttpStatusCode> WhoAmIAsync(string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/whoami");
        request.Headers.TryAddWithoutValidation("Authorization", $"Bearer {key}");
        using var response = await _api.SendAsync(request);
        return response.StatusCode;
    }

    private async Task<string> RollAsync(string grace, string oldKeySays)
    {
        await _page.Locator("[data-key-row]").Filter(new() { HasText = "Production" }).GetByRole(AriaRole.Button, new() { Name = "Roll key" }).ClickAsync();
        var dialog = _page.GetByRole(AriaRole.Dialog, new() { Name = "Roll API key" });
        var choices = dialog.GetByRole(AriaRole.Group, new() { Name = "Old key stops working" });
        await Expect(choices.GetByRole(AriaRole.Radio, new() { Name = "In 24 hours" })).ToBeCheckedAsync();
        await choices.GetByRole(AriaRole.Radio, new() { Name = grace, Exact = true }).CheckAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Roll", Exact = true }).ClickAsync();

        var rolled = _page.GetByRole(AriaRole.Dialog, new() { Name = "API key rolled" });
        var field = rolled.GetByRole(AriaRole.Textbox, new() { Name = "API key", Exact = true });
        await Expect(field).ToHaveValueAsync(ApiKeyShape());
        await Expect(field).ToHaveAttributeAsync("readonly", string.Empty);
        await Expect(rolled.GetByRole(AriaRole.Button, new() { Name = "Copy", Exact = true })).ToBeVisibleAsync();
        await Expect(rolled).ToContainTextAsync(oldKeySays);
        var key = await field.ReadIssuedSecretAsync(SecretKind.ApiKey);
        await rolled.GetByRole(AriaRole.Link, new() { Name = "Done" }).ClickAsync();
        // Closed, the dialog keeps no copy of the key in the page.
        await Expect(rolled).ToHaveCountAsync(0);
        Assert.DoesNotContain(key, await _page.ContentAsync());
        return key;
    }

    [Fact]
    public async Task ThePersonRollsAKeyWithAnHourOfGraceThenAgainWithNowAndEachOldKeyStopsWhenChosen()
    {
        await _page.OpenSettingsAsync();
        var first = await _page.CreateKeyAsync("Production");

        var second = await RollAsync("In 1 hour", "The old key keeps working until");
        var oldRow = _page.Locator("tr[data-rolled-row]");
        await Expect(oldRow).ToHaveCountAsync(1);
        await Expect(oldRow).ToContainTextAsync(StopsWithinTheHour());
        await Expect(oldRow).ToContainTextAsync(first[..8]);
        await Expect(_page.Locator("[data-key-row]")).ToHaveCountAsync(1);
        Assert.Equal(HttpStatusCode.OK, await WhoAmIAsync(first));
        Assert.Equal(HttpStatusCode.OK, await WhoAmIAsync(second));
        await browser.SaveScreenshotAsync(_page, "Settings.rolled-key");

        await _page.Locator("[data-key-row]").Filter(new() { HasText = "Production" }).GetByRole(AriaRole.Button, new() { Name = "Roll key" }).ClickAsync();
        await Expect(_page.GetByRole(AriaRole.Dialog, new() { Name = "Roll API key" })).ToContainTextAsync("Rolling again ends the previous key, still working until");
        await _page.GetByRole(AriaRole.Dialog, new() { Name = "Roll API key" }).GetByRole(AriaRole.Link, new() { Name = "Cancel" }).ClickAsync();

        var third = await RollAsync("Now", "The old key has stopped working.");
        await Expect(oldRow).ToHaveCountAsync(0);
        Assert.Equal(HttpStatusCode.Unauthorized, await WhoAmIAsync(first));
        Assert.Equal(HttpStatusCode.Unauthorized, await WhoAmIAsync(second));
        Assert.Equal(HttpStatusCode.OK, await WhoAmIAsync(third));
        await Expect(_page.Locator("[data-key-row]")).ToHaveCountAsync(1);
        await Expect(_page.Locator("[data-key-row] code.key-prefix").First).ToHaveTextAsync($"{third[..8]}…");
    }

    // 32 random bytes in base64url, as the creation dialog shows a secret key.
    [GeneratedRegex("^[A-Za-z0-9_-]{43}$")]
    private static partial Regex ApiKeyShape();

    // Just under an hour left, in the Expires column's words.
    [GeneratedRegex("Rolled · stops working in (60 minutes|59 minutes|1 hour)")]
    private static partial Regex StopsWithinTheHour();
}
