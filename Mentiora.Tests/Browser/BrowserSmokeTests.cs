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
        browser.AssertNoPolicyViolations();
    }

    [Fact]
    public async Task AnInlineScriptThePolicyBlocksIsReportedAsAViolation()
    {
        using var app = new MentioraApp(TestStorage.NewEmbedded());
        var page = await browser.NewPageAsync(app.Start().BaseAddress!);
        await page.GotoAsync("/");

        // What an injected <script> would be: the dashboard's policy allows no inline script, so the browser refuses it.
        await page.EvaluateAsync("() => { const s = document.createElement('script'); s.textContent = 'window.ran = 1'; document.body.append(s); }");

        Assert.Null(await page.EvaluateAsync<int?>("() => window.ran"));

        // The report reaches the test as a console message, a moment after the script was refused.
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (browser.PolicyViolationsOf(page).Count == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        var failure = Assert.ThrowsAny<Xunit.Sdk.XunitException>(browser.AssertNoPolicyViolations);
        Assert.Contains("script-src", failure.Message);
    }
}
