using System.Net;
using Mentiora.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Mentiora.Tests.Browser;

/// <summary>
/// The whole flow a new user follows, in a real Chromium, finding everything by role and
/// accessible name as the screens name it: sign up, create and copy a key, send a trace with
/// it, see it in Traces and in Last used, rename (Enter and Escape), hit the limit, revoke.
/// </summary>
public sealed class ApiKeysFlowTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IAsyncLifetime
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

    // Everything must work under the strict Content-Security-Policy: the browser reports what it refuses.
    public Task DisposeAsync() => browser.AssertNoPolicyViolationsThenDisposeAsync(_app);

    [Fact]
    public async Task ANewUserCreatesCopiesUsesRenamesAndRevokesAKey()
    {
        await _page.OpenSettingsAsync();
        await Expect(_page.GetByRole(AriaRole.Columnheader, new() { Name = "Last used" })).ToBeVisibleAsync();

        // Create, see the key once, copy it.
        var key = await CreateKeyAsync("Production", copy: true);
        Assert.Matches("^[A-Za-z0-9_-]{43}$", key);
        var row = _page.GetByRole(AriaRole.Row).Filter(new() { HasText = "Production" });
        await Expect(row).ToContainTextAsync(key[..8] + "…");
        await Expect(row.Locator("td.last-used")).ToContainTextAsync("Never");
        await ExpectKeyGoneFromPageAsync(key);

        // The copied key works for the SDK; the trace shows up and Last used moves.
        var trace = TraceEvents.Valid();
        trace["name"] = "browser-flow-trace";
        Assert.Equal(HttpStatusCode.Accepted, (await _api.SendAsync(TraceEvents.Post(trace, key))).StatusCode);
        await _page.GetByRole(AriaRole.Link, new() { Name = "Traces", Exact = true }).ClickAsync();
        await Expect(_page.GetByRole(AriaRole.Link, new() { Name = "browser-flow-trace" })).ToBeVisibleAsync();
        await browser.SaveScreenshotAsync(_page, "Traces.list");
        await _page.OpenSettingsAsync();
        await Expect(row.Locator("td.last-used")).Not.ToContainTextAsync("Never");
        await Expect(row).ToContainTextAsync("just now");

        // Rename: Escape restores without a request, Enter saves.
        var renameRequests = 0;
        _page.Request += (_, request) => renameRequests += request.Url.Contains("handler=Rename", StringComparison.Ordinal) ? 1 : 0;
        await row.GetByRole(AriaRole.Button, new() { Name = "Rename key" }).ClickAsync();
        var nameField = _page.GetByRole(AriaRole.Textbox, new() { Name = "Key name" });
        await Expect(nameField).ToBeFocusedAsync();
        await nameField.FillAsync("Something else");
        await nameField.PressAsync("Escape");
        await Expect(nameField).ToBeHiddenAsync();
        await Expect(row).ToContainTextAsync("Production");
        Assert.Equal(0, renameRequests);

        await row.GetByRole(AriaRole.Button, new() { Name = "Rename key" }).ClickAsync();
        await nameField.FillAsync("Live traffic");
        await nameField.PressAsync("Enter");
        var renamed = _page.GetByRole(AriaRole.Row).Filter(new() { HasText = "Live traffic" });
        await Expect(renamed).ToBeVisibleAsync();
        Assert.Equal(1, renameRequests);
        await _page.ReloadAsync(new() { WaitUntil = WaitUntilState.DOMContentLoaded });
        await Expect(renamed).ToContainTextAsync(key[..8] + "…");

        // Four more keys reach the limit: the button is disabled and says why.
        for (var i = 2; i <= 5; i++)
        {
            await CreateKeyAsync($"Key {i}", copy: false);
        }

        var create = _page.GetByRole(AriaRole.Button, new() { Name = "Create API Key" });
        await Expect(create).ToBeDisabledAsync();
        await Expect(_page.GetByText("Revoke a key to create a new one")).ToBeVisibleAsync();
        await browser.SaveScreenshotAsync(_page, "Settings.api-keys-at-limit");

        // Revoke: confirm, the row goes, the button comes back without a reload, the key stops working.
        await renamed.GetByRole(AriaRole.Button, new() { Name = "Revoke key" }).ClickAsync();
        var confirm = _page.GetByRole(AriaRole.Dialog, new() { Name = "Revoke API key" });
        await Expect(confirm).ToContainTextAsync("irreversible");
        await Expect(confirm).ToContainTextAsync("immediately lose access");
        await confirm.GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();
        await Expect(confirm).ToBeHiddenAsync();
        await Expect(renamed).ToHaveCountAsync(0);
        await Expect(create).ToBeEnabledAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, (await _api.SendAsync(TraceEvents.Post(TraceEvents.Valid(), key))).StatusCode);
        await browser.SaveScreenshotAsync(_page, "Settings.api-keys");
        Assert.Empty(browser.PolicyViolationsOf(_page));
    }

    [Fact]
    public async Task TheCreateDialogIsUsableFromTheKeyboard()
    {
        await _page.OpenSettingsAsync();
        await _page.GetByRole(AriaRole.Button, new() { Name = "Create API Key" }).FocusAsync();
        await _page.Keyboard.PressAsync("Enter");

        var name = _page.GetByRole(AriaRole.Textbox, new() { Name = "Name", Exact = true });
        await Expect(name).ToBeFocusedAsync();
        await _page.Keyboard.TypeAsync("Keyboard");
        await _page.Keyboard.PressAsync("Enter");
        var field = _page.GetByRole(AriaRole.Textbox, new() { Name = "API key", Exact = true });
        await Expect(field).ToBeFocusedAsync();

        // Escape closes the dialog, the key leaves the page, focus returns to the button.
        var key = await field.ReadIssuedSecretAsync(SecretKind.ApiKey);
        await _page.Keyboard.PressAsync("Escape");
        await Expect(_page.GetByRole(AriaRole.Dialog)).ToHaveCountAsync(0);
        await ExpectKeyGoneFromPageAsync(key);
        await Expect(_page.GetByRole(AriaRole.Button, new() { Name = "Create API Key" })).ToBeFocusedAsync();
    }

    [Fact]
    public async Task AllowedOriginsAreAddedNormalisedAndRemovedFromTheGlobeDialog()
    {
        await _page.OpenSettingsAsync();
        await CreateKeyAsync("Website", copy: false);
        var row = _page.GetByRole(AriaRole.Row).Filter(new() { HasText = "Website" });
        await row.GetByRole(AriaRole.Button, new() { Name = "Allowed origins" }).ClickAsync();
        var dialog = _page.GetByRole(AriaRole.Dialog, new() { Name = "Allowed origins" });
        await Expect(dialog.GetByRole(AriaRole.Textbox, new() { Name = "Publishable key" })).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("^pk_live_"));
        var origin = dialog.GetByRole(AriaRole.Textbox, new() { Name = "Origin", Exact = true });
        await Expect(origin).ToBeFocusedAsync();

        // A path is refused inline with a reason; nothing is saved.
        await origin.FillAsync("https://app.example.com/checkout");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Add origin" }).ClickAsync();
        await Expect(dialog.GetByRole(AriaRole.Alert)).ToContainTextAsync("path");
        await Expect(dialog.GetByRole(AriaRole.List, new() { Name = "Origins", Exact = true })).ToContainTextAsync("No origins yet");

        // Case and the default port are normalised, and the normalised form is shown back.
        await origin.FillAsync("HTTPS://App.Example.COM:443");
        await origin.PressAsync("Enter");
        var origins = dialog.GetByRole(AriaRole.List, new() { Name = "Origins", Exact = true });
        await Expect(origins).ToContainTextAsync("https://app.example.com");
        await Expect(dialog.GetByRole(AriaRole.Status)).ToContainTextAsync("Added https://app.example.com.");
        await origin.FillAsync("https://*.example.org");
        await origin.PressAsync("Enter");
        await Expect(origins.GetByRole(AriaRole.Listitem)).ToHaveCountAsync(2);
        await browser.SaveScreenshotAsync(_page, "Settings.allowed-origins");

        await origins.GetByRole(AriaRole.Listitem).Filter(new() { HasText = "https://app.example.com" })
            .GetByRole(AriaRole.Button, new() { Name = "Remove" }).ClickAsync();
        await Expect(origins.GetByRole(AriaRole.Listitem)).ToHaveCountAsync(1);
        await Expect(origins).Not.ToContainTextAsync("app.example.com");

        // Reopening shows what is stored.
        await dialog.GetByRole(AriaRole.Link, new() { Name = "Done" }).ClickAsync();
        await row.GetByRole(AriaRole.Button, new() { Name = "Allowed origins" }).ClickAsync();
        await Expect(_page.GetByRole(AriaRole.Dialog, new() { Name = "Allowed origins" }).GetByRole(AriaRole.List, new() { Name = "Origins", Exact = true }))
            .ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\s*https://\*\.example\.org\s*Remove\s*$"));
    }

    // The browser fires 'close' a task after the dialog hides, so the clean-up is awaited, not assumed instant.
    [Fact]
    public async Task AKeyCreatedToExpireIn30DaysSaysSoInTheExpiresColumnAndTheNextDialogStartsAtNever()
    {
        await _page.OpenSettingsAsync();
        await Expect(_page.GetByRole(AriaRole.Columnheader, new() { Name = "Expires" })).ToBeVisibleAsync();

        await _page.CreateKeyAsync("Short-lived", expires: "In 30 days");
        await _page.CreateKeyAsync("Long-lived");

        var expires = _page.GetByRole(AriaRole.Row).Filter(new() { HasText = "Short-lived" }).Locator("td.expires");
        await Expect(expires).ToHaveTextAsync("in 30 days");
        await Expect(expires.Locator("time")).ToHaveAttributeAsync("datetime", new System.Text.RegularExpressions.Regex("^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z$"));
        await Expect(_page.GetByRole(AriaRole.Row).Filter(new() { HasText = "Long-lived" }).Locator("td.expires")).ToHaveTextAsync("Never");

        await _page.GetByRole(AriaRole.Button, new() { Name = "Create API Key" }).ClickAsync();
        var select = _page.GetByRole(AriaRole.Dialog, new() { Name = "Create API Key" }).GetByRole(AriaRole.Combobox, new() { Name = "Expires", Exact = true });
        await Expect(select).ToHaveValueAsync("Never");
    }

    private async Task ExpectKeyGoneFromPageAsync(string key)
    {
        await Expect(_page.Locator("[data-created-key]")).ToHaveCountAsync(0);
        Assert.DoesNotContain(key, await _page.ContentAsync());
    }

    private async Task<string> CreateKeyAsync(string name, bool copy)
    {
        var key = await _page.CreateKeyAsync(name, copy ? CopyAsync : null);
        await Expect(_page.GetByRole(AriaRole.Row).Filter(new() { HasText = name })).ToBeVisibleAsync();
        return key;

        async Task CopyAsync(ILocator created, string shown)
        {
            // The headless browser shares one clipboard: clear it so only our copy can put the key there.
            await _page.EvaluateAsync("() => navigator.clipboard.writeText('')");
            await created.GetByRole(AriaRole.Button, new() { Name = "Copy", Exact = true }).ClickAsync();
            await Expect(created.GetByRole(AriaRole.Button, new() { Name = "Copied" })).ToBeVisibleAsync();
            Assert.Equal(shown, await _page.EvaluateAsync<string>("() => navigator.clipboard.readText()"));
            await browser.SaveScreenshotAsync(_page, "Settings.key-created");
        }
    }
}
