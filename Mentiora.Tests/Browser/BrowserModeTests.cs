using System.Text.Json;
using Mentiora.Grains.Accounts;
using Mentiora.Grains.Keys;
using Mentiora.Grains.Projects;
using Mentiora.Grains.Secrets;
using Mentiora.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Mentiora.Tests.Browser;

/// <summary>
/// A customer's web page sends traces from a real Chromium with the publishable key and identity
/// tokens its server mints; the developer then sees the end user's conversation on the Traces page.
/// </summary>
public sealed class BrowserModeTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private const string Email = "owner@example.com";
    private readonly MentioraApp _app = new(TestStorage.NewEmbedded());
    private readonly EndUser _user = new("customer-42", "Ada Lovelace", "ada@example.com");
    private Uri _mentiora = null!;
    private Guid _projectId;
    private CustomerSite _site = null!;

    public async Task InitializeAsync()
    {
        _mentiora = _app.Start().BaseAddress!;
        var signUp = await _app.Grains.GetGrain<IUserGrain>(Email).SignUp(Email, new SecretText(DashboardClient.Password));
        _projectId = signUp.FirstProjectId!.Value;
        var project = _app.Grains.GetGrain<IProjectDashboardGrain>(_projectId);
        var created = (await project.CreateApiKey(Email, "Website")).Created!;
        _site = await CustomerSite.StartAsync(_mentiora, new CreatedApiKeyMaterial(created.Key.Reveal(), created.Summary.PublishableKey, created.SigningSecret.Reveal()), _user);
        var allowed = await project.AddAllowedOrigin(Email, created.Summary.Id, _site.FirstOrigin.GetLeftPart(UriPartial.Authority));
        Assert.Equal(OriginChangeOutcome.Done, allowed.Outcome);
    }

    // The customer's page and the dashboard alike, each under its own Content-Security-Policy.
    public Task DisposeAsync() => browser.AssertNoPolicyViolationsThenDisposeAsync(_site, _app);

    [Fact]
    public async Task APageOnAnAllowedOriginSendsTracesForItsSignedInUser()
    {
        var page = await OpenSiteAsync(_site.FirstOrigin);
        var thread = Guid.CreateVersion7().ToString();

        var first = await SendAsync(page, "Hello, who are you?", thread);
        Assert.Equal(202, first.GetProperty("status").GetInt32());

        // A stale token: the page gets identity_token_expired, fetches a new token and the retry succeeds.
        await page.EvaluateAsync("() => { window.tokenQuery = '?expired=1'; }");
        var second = await SendAsync(page, "And what can you do?", thread);
        Assert.Equal(202, second.GetProperty("status").GetInt32());
        var attempts = await page.EvaluateAsync<JsonElement>("() => window.attempts");
        Assert.Equal(401, attempts[1].GetProperty("status").GetInt32());
        Assert.Equal("identity_token_expired", attempts[1].GetProperty("body").GetProperty("error").GetProperty("code").GetString());

        // The developer sees the conversation, with its end user, on the Traces page.
        var dashboard = await browser.NewPageAsync(_mentiora);
        await dashboard.GotoAsync("/signin");
        await dashboard.GetByLabel("Email").FillAsync(Email);
        await dashboard.GetByLabel("Password").FillAsync(DashboardClient.Password);
        await dashboard.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(dashboard.GetByRole(AriaRole.Heading, new() { Name = "Traces" })).ToBeVisibleAsync();
        await dashboard.GetByLabel("End user").FillAsync("customer-42");
        await dashboard.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        var rows = dashboard.GetByRole(AriaRole.Row).Filter(new() { HasText = "Ada Lovelace" });
        await Expect(rows).ToHaveCountAsync(2);
        await rows.First.GetByRole(AriaRole.Link).First.ClickAsync();
        await Expect(dashboard.GetByText("Ada Lovelace (customer-42)").First).ToBeVisibleAsync();
        await dashboard.GetByRole(AriaRole.Link, new() { Name = "Show the conversation" }).ClickAsync();
        await Expect(dashboard.GetByRole(AriaRole.Heading, new() { Name = "Conversation", Level = 1 })).ToBeVisibleAsync();
        var turns = dashboard.Locator("ol.turns > li");
        await Expect(turns).ToHaveCountAsync(2);
        await Expect(turns.First).ToContainTextAsync("Ada Lovelace");
        await browser.SaveScreenshotAsync(dashboard, "Traces.end-user-conversation");
    }

    [Fact]
    public async Task ThePageOnAnotherOriginIsRefusedAndCanReadWhy()
    {
        var page = await OpenSiteAsync(_site.SecondOrigin);

        var result = await SendAsync(page, "Hello", Guid.CreateVersion7().ToString());

        Assert.Equal(403, result.GetProperty("status").GetInt32());
        var error = result.GetProperty("body").GetProperty("error");
        Assert.Equal("origin_not_allowed", error.GetProperty("code").GetString());
        Assert.Contains(_site.SecondOrigin.GetLeftPart(UriPartial.Authority), error.GetProperty("message").GetString());
    }

    private async Task<IPage> OpenSiteAsync(Uri origin)
    {
        var page = await browser.NewPageAsync(origin);
        await page.GotoAsync("/");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Customer app" })).ToBeVisibleAsync();
        return page;
    }

    private static async Task<JsonElement> SendAsync(IPage page, string question, string thread)
    {
        var trace = TraceEvents.Valid();
        trace["name"] = "chat.completions.create";
        trace["thread_id"] = thread;
        trace["input"] = question;
        return await page.EvaluateAsync<JsonElement>("json => window.sendTrace(JSON.parse(json))", trace.ToJsonString());
    }
}
