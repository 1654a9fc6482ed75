using Mentiora.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Mentiora.Tests.Browser;

public sealed class BrowserSmokeTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task TheHomePageRendersWithHtmxAndTheClipboardWorks()
    {
        using var app = new MentioraApp(TestStorage.NewEmbedded());
        var client = app.Start();
        var page = await browser.NewPageAsync(client.BaseAddress!);

        var response = await page.GotoAsync("/");

        Assert.Equal(200, response!.Status);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Name = "Mentiora", Exact = true })).ToBeVisibleAsync();
        Assert.Equal("4.0.1", await page.EvaluateAsync<string>("() => window.htmx && htmx.version"));

        // Copy buttons are checked by reading the clipboard back, so that must work in headless Chromium.
        await page.EvaluateAsync("() => navigator.clipboard.writeText('x')");
        Assert.Equal("x", await page.EvaluateAsync<string>("() => navigator.clipboard.readText()"));

        await browser.SaveScreenshotAsync(page, "BrowserSmoke.home");
    }
}
