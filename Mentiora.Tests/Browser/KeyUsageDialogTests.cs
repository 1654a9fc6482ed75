using System.Net;
using Mentiora.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Mentiora.Tests.Browser;

/// <summary>The Key usage dialog in a real Chromium under the strict Content-Security-Policy.</summary>
public sealed class KeyUsageDialogTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IAsyncLifetime
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

    [Fact]
    public async Task TheRowsKeyUsageButtonOpensADialogWithTheKeysCounts()
    {
        await _page.OpenSettingsAsync();
        var key = await _page.CreateKeyAsync("Production", null);
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(HttpStatusCode.Accepted, (await _api.SendAsync(TraceEvents.Post(TraceEvents.Valid(), key))).StatusCode);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await _api.SendAsync(TraceEvents.Post(TraceEvents.Valid(), key[..8]))).StatusCode);

        var row = _page.GetByRole(AriaRole.Row).Filter(new() { HasText = "Production" });
        var dialog = _page.GetByRole(AriaRole.Dialog, new() { Name = "Usage of Production" });
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd");
        var todayCount = dialog.Locator($"tr[data-day='{today}'] td").Nth(1);
        // The counts reach the grain about once a second: reopen the dialog until they have.
        for (var attempt = 0; ; attempt++)
        {
            await row.GetByRole(AriaRole.Button, new() { Name = "Key usage" }).ClickAsync();
            await Expect(dialog).ToBeVisibleAsync();
            if (await todayCount.TextContentAsync() == "2" || attempt == 20)
            {
                break;
            }

            await dialog.GetByRole(AriaRole.Link, new() { Name = "Done" }).ClickAsync();
            await Expect(dialog).ToBeHiddenAsync();
            await Task.Delay(500);
        }

        await Expect(dialog.GetByRole(AriaRole.Heading, new() { Name = "Usage of Production" })).ToBeVisibleAsync();
        await Expect(todayCount).ToHaveTextAsync("2");
        await Expect(dialog.Locator("[data-month-total]")).ToHaveTextAsync("2");
        await Expect(dialog.GetByRole(AriaRole.Table, new() { Name = "Refusals by reason" })).ToContainTextAsync("Only the prefix sent");
        await Expect(dialog).ToContainTextAsync("Counts may lag by up to a minute.");
        await browser.SaveScreenshotAsync(_page, "Settings.key-usage");

        await dialog.GetByRole(AriaRole.Link, new() { Name = "Done" }).ClickAsync();
        await Expect(dialog).ToBeHiddenAsync();
        await Expect(row.GetByRole(AriaRole.Button, new() { Name = "Key usage" })).ToBeFocusedAsync();
    }
}
