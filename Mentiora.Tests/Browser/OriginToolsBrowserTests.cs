using System.Net;
using Mentiora.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Mentiora.Tests.Browser;

/// <summary>
/// The Allowed origins dialog's Report only, Test an origin and Blocked origins with Allow in a
/// real Chromium, with htmx, under the strict Content-Security-Policy.
/// </summary>
public sealed class OriginToolsBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private const string Shop = "https://shop.example.net";

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
    public async Task ATeamTurnsOnReportOnlySeesTheRefusedOriginTestsItAndAllowsIt()
    {
        await _page.OpenSettingsAsync();
        await _page.CreateKeyAsync("Website");
        var row = _page.GetByRole(AriaRole.Row).Filter(new() { HasText = "Website" });
        await row.GetByRole(AriaRole.Button, new() { Name = "Allowed origins" }).ClickAsync();
        var dialog = _page.GetByRole(AriaRole.Dialog, new() { Name = "Allowed origins" });
        var publishableKey = await dialog.GetByRole(AriaRole.Textbox, new() { Name = "Publishable key" }).InputValueAsync();

        // Report only: one click saves it.
        var reportOnly = dialog.GetByRole(AriaRole.Checkbox, new() { Name = "Report only" });
        await Expect(reportOnly).Not.ToBeCheckedAsync();
        await reportOnly.CheckAsync();
        await Expect(dialog.GetByRole(AriaRole.Status)).ToContainTextAsync("Report only is on");
        await Expect(dialog.GetByRole(AriaRole.Checkbox, new() { Name = "Report only" })).ToBeCheckedAsync();

        // The site's page posts from an origin nobody allowed yet: accepted, and recorded.
        using var trace = TraceEvents.Post(TraceEvents.Valid(), publishableKey);
        trace.Headers.Add("Origin", Shop);
        Assert.Equal(HttpStatusCode.Accepted, (await _api.SendAsync(trace)).StatusCode);

        var test = dialog.GetByRole(AriaRole.Textbox, new() { Name = "Test an origin" });
        await test.FillAsync(Shop);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Test", Exact = true }).ClickAsync();
        await Expect(dialog.GetByRole(AriaRole.Status)).ToContainTextAsync($"{Shop} would be accepted only because Report only is on");
        await Expect(dialog.GetByRole(AriaRole.Textbox, new() { Name = "Test an origin" })).ToBeFocusedAsync();

        // Reopened, the dialog lists it under Blocked origins; Allow adds it.
        await dialog.GetByRole(AriaRole.Link, new() { Name = "Done" }).ClickAsync();
        await row.GetByRole(AriaRole.Button, new() { Name = "Allowed origins" }).ClickAsync();
        var blocked = dialog.GetByRole(AriaRole.List, new() { Name = "Blocked origins" });
        var entry = blocked.GetByRole(AriaRole.Listitem).Filter(new() { HasText = Shop });
        await Expect(entry).ToContainTextAsync("1 request, the last let through by Report only");
        await browser.SaveScreenshotAsync(_page, "Settings.origin-tools");
        await entry.GetByRole(AriaRole.Button, new() { Name = "Allow", Exact = true }).ClickAsync();

        await Expect(dialog.GetByRole(AriaRole.List, new() { Name = "Origins", Exact = true })).ToContainTextAsync(Shop);
        await Expect(dialog.GetByRole(AriaRole.List, new() { Name = "Blocked origins" })).ToContainTextAsync("No origins were refused");
        await dialog.GetByRole(AriaRole.Textbox, new() { Name = "Test an origin" }).FillAsync(Shop);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Test", Exact = true }).ClickAsync();
        await Expect(dialog.GetByRole(AriaRole.Status)).ToContainTextAsync($"{Shop} would be accepted: it is one of this key's allowed origins.");
    }

    [Fact]
    public async Task ATeamIsToldWhyAWildcardOnGithubIoIsRefusedThenRequiresIdentityTokensWithOneClick()
    {
        await _page.OpenSettingsAsync();
        await _page.CreateKeyAsync("Docs site");
        var row = _page.GetByRole(AriaRole.Row).Filter(new() { HasText = "Docs site" });
        await row.GetByRole(AriaRole.Button, new() { Name = "Allowed origins" }).ClickAsync();
        var dialog = _page.GetByRole(AriaRole.Dialog, new() { Name = "Allowed origins" });
        var publishableKey = await dialog.GetByRole(AriaRole.Textbox, new() { Name = "Publishable key" }).InputValueAsync();

        await dialog.GetByRole(AriaRole.Textbox, new() { Name = "Origin", Exact = true }).FillAsync("https://*.github.io");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Add origin" }).ClickAsync();
        await Expect(dialog.GetByRole(AriaRole.Alert)).ToContainTextAsync("The wildcard *.github.io would allow every site on github.io, a public suffix");
        await Expect(dialog.GetByRole(AriaRole.List, new() { Name = "Origins", Exact = true })).ToContainTextAsync("No origins yet");
        await dialog.GetByRole(AriaRole.Textbox, new() { Name = "Origin", Exact = true }).FillAsync(Shop);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Add origin" }).ClickAsync();
        await Expect(dialog.GetByRole(AriaRole.List, new() { Name = "Origins", Exact = true })).ToContainTextAsync(Shop);

        // Require identity token: one click saves it, and the page's anonymous traces are refused.
        var requireToken = dialog.GetByRole(AriaRole.Checkbox, new() { Name = "Require identity token" });
        await Expect(requireToken).Not.ToBeCheckedAsync();
        await requireToken.CheckAsync();
        await Expect(dialog.GetByRole(AriaRole.Status)).ToContainTextAsync("Require identity token is on");
        await Expect(dialog.GetByRole(AriaRole.Checkbox, new() { Name = "Require identity token" })).ToBeCheckedAsync();
        await Expect(dialog.GetByRole(AriaRole.Checkbox, new() { Name = "Report only" })).Not.ToBeCheckedAsync();

        using var anonymous = TraceEvents.Post(TraceEvents.Valid(), publishableKey);
        anonymous.Headers.Add("Origin", Shop);
        await ApiAssert.Error(await _api.SendAsync(anonymous), HttpStatusCode.Unauthorized, "identity_token_invalid");

        await dialog.GetByRole(AriaRole.Checkbox, new() { Name = "Require identity token" }).UncheckAsync();
        await Expect(dialog.GetByRole(AriaRole.Status)).ToContainTextAsync("Require identity token is off");
        using var again = TraceEvents.Post(TraceEvents.Valid(), publishableKey);
        again.Headers.Add("Origin", Shop);
        Assert.Equal(HttpStatusCode.Accepted, (await _api.SendAsync(again)).StatusCode);
    }
}
