using System.Net;
using System.Text.RegularExpressions;
using Mentiora.Grains.Projects;
using Mentiora.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Mentiora.Tests.Browser;

/// <summary>
/// A nested trace sent through the API, opened from the Traces list in a real Chromium under the
/// strict Content-Security-Policy: with JavaScript (a span's panel swaps in without a reload) and without (links).
/// </summary>
public sealed partial class TraceBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private readonly MentioraApp _app = new(TestStorage.NewEmbedded());
    private HttpClient _api = null!;

    public Task InitializeAsync()
    {
        _api = _app.Start();
        return Task.CompletedTask;
    }

    public Task DisposeAsync() => browser.AssertNoPolicyViolationsThenDisposeAsync(_app);

    // Signs up as a person would, then creates a key the way the customer's application will use it.
    private async Task<(IPage Page, string Key)> SignedUpWithKeyAsync(bool javaScriptEnabled)
    {
        var page = await browser.NewPageAsync(_api.BaseAddress!, javaScriptEnabled);
        var email = DashboardClient.NewEmail();
        await page.GotoAsync("/signup");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(DashboardClient.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Traces" })).ToBeVisibleAsync();
        var projectId = Guid.Parse(ProjectInUrl().Match(page.Url).Groups[1].Value);
        var created = await _app.Grains.GetGrain<IProjectDashboardGrain>(projectId).CreateApiKey(email.ToLowerInvariant(), "Production");
        return (page, new RevealedApiKey(created.Created!).Key);
    }

    private async Task<NestedTrace> SendNestedTraceAsync(string key)
    {
        var trace = new NestedTrace();
        using var response = await _api.SendAsync(TraceEvents.Post(trace.Batch, key));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return trace;
    }

    private static async Task OpenTraceFromTheListAsync(IPage page)
    {
        await page.GetByRole(AriaRole.Link, new() { Name = "Traces", Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "agent.run", Exact = true }).First.ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "agent.run", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.Locator("a[data-span-link]")).ToHaveCountAsync(6);
        await Expect(page.Locator("svg.span-bar rect")).ToHaveCountAsync(6);
        await Expect(page.Locator(".span-line").Filter(new() { HasText = "late.tool" })).ToContainTextAsync("parent not received");
        await Expect(page.Locator(".span-line").Filter(new() { HasText = "failing.tool" }).GetByRole(AriaRole.Img, new() { Name = "Error", Exact = true })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task ThePersonOpensANestedTraceAndAChildSpansInputSwapsInWithoutAReload()
    {
        var (page, key) = await SignedUpWithKeyAsync(javaScriptEnabled: true);
        var trace = await SendNestedTraceAsync(key);

        await OpenTraceFromTheListAsync(page);
        await page.WaitForLoadStateAsync(LoadState.DOMContentLoaded);
        await page.EvaluateAsync("() => { window.sameDocument = 'still here'; }");
        var panel = page.Locator("#span-panel");
        await Expect(panel.GetByRole(AriaRole.Heading, new() { Name = "agent.run" })).ToBeVisibleAsync();

        var child = page.GetByRole(AriaRole.Link, new() { Name = "search.tool", Exact = true });
        await child.ClickAsync();

        await Expect(panel.GetByRole(AriaRole.Heading, new() { Name = "search.tool" })).ToBeVisibleAsync();
        await Expect(panel.GetByRole(AriaRole.Heading, new() { Name = "Input", Exact = true })).ToBeVisibleAsync();
        await Expect(panel).ToContainTextAsync("What is the capital of France?");
        await Expect(page).ToHaveURLAsync(new Regex($"/traces/{trace.TraceId}\\?span={NestedTrace.IdOf(trace.Search)}$"));
        await Expect(child).ToHaveAttributeAsync("aria-current", "true");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "agent.run", Exact = true })).Not.ToHaveAttributeAsync("aria-current", "true");
        Assert.Equal("still here", await page.EvaluateAsync<string>("() => window.sameDocument"));
        await browser.SaveScreenshotAsync(page, "Trace.child-span-selected");
    }

    [Fact]
    public async Task WithoutJavaScriptThePersonFollowsLinksToASpanAndToTheConversation()
    {
        var (page, key) = await SignedUpWithKeyAsync(javaScriptEnabled: false);
        var trace = await SendNestedTraceAsync(key);

        await OpenTraceFromTheListAsync(page);
        await page.GetByRole(AriaRole.Link, new() { Name = "answer.llm", Exact = true }).ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex($"/traces/{trace.TraceId}\\?span={NestedTrace.IdOf(trace.Answer)}$"));
        var panel = page.Locator("#span-panel");
        await Expect(panel.GetByRole(AriaRole.Heading, new() { Name = "answer.llm" })).ToBeVisibleAsync();
        await Expect(panel.GetByRole(AriaRole.Heading, new() { Name = "Output", Exact = true })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "answer.llm", Exact = true })).ToHaveAttributeAsync("aria-current", "true");

        await page.GetByRole(AriaRole.Link, new() { Name = "Show the conversation" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Conversation", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.Locator("ol.turns > li")).ToHaveCountAsync(1);
        await Expect(page.Locator("ol.turns > li")).ToContainTextAsync("user: Plan my trip to Paris");
        await page.Locator("ol.turns > li").GetByRole(AriaRole.Link, new() { Name = "agent.run" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "agent.run", Level = 1 })).ToBeVisibleAsync();
    }

    [GeneratedRegex("/projects/([0-9a-f-]{36})/")]
    private static partial Regex ProjectInUrl();
}
