using Mentiora.Grains.Projects;
using Mentiora.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Mentiora.Tests.Browser;

/// <summary>The Activity card and its CSV download in a real Chromium under the strict Content-Security-Policy.</summary>
public sealed class ActivityCardBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IAsyncLifetime
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
    public async Task ATeamSeesWhoCreatedAKeyPagesToOlderEntriesAndDownloadsTheCsv()
    {
        await _page.OpenSettingsAsync();
        var key = await _page.CreateKeyAsync("Production");
        var email = (await _page.Locator("#members-card .member-list li span").First.TextContentAsync())!.Trim();
        var projectId = Guid.Parse(_page.Url.Split("/projects/")[1].Split('/')[0]);
        var project = _app.Grains.GetGrain<IProjectDashboardGrain>(projectId);
        var keyId = (await project.GetSettings(email))!.ApiKeys[0].Id;
        for (var i = 0; i < 20; i++)
        {
            await project.SetReportOnly(email, keyId, i % 2 == 0);
        }

        await _page.ReloadAsync();
        var card = _page.Locator("section").Filter(new() { Has = _page.GetByRole(AriaRole.Heading, new() { Name = "Activity" }) });
        await Expect(card.GetByRole(AriaRole.Listitem)).ToHaveCountAsync(20);
        await Expect(card.GetByRole(AriaRole.Listitem).First).ToContainTextAsync($"{email} switched Report only off for key \"Production\" {key[..8]}…");
        await browser.SaveScreenshotAsync(_page, "Settings.activity");

        await card.GetByRole(AriaRole.Link, new() { Name = "Older" }).ClickAsync();
        await Expect(card.GetByRole(AriaRole.Listitem)).ToHaveCountAsync(1);
        await Expect(card.GetByRole(AriaRole.Listitem).First).ToContainTextAsync($"{email} created key \"Production\" {key[..8]}…");
        await Expect(card.GetByRole(AriaRole.Link, new() { Name = "Older" })).ToHaveCountAsync(0);

        var download = await _page.RunAndWaitForDownloadAsync(() => card.GetByRole(AriaRole.Link, new() { Name = "Download CSV" }).ClickAsync());
        var csv = await File.ReadAllTextAsync((await download.PathAsync())!);
        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(22, lines.Length);
        Assert.Contains($"{email},\"created key \"\"Production\"\" {key[..8]}…\",", lines[^1]);
        Assert.DoesNotContain(key, csv);
    }
}
