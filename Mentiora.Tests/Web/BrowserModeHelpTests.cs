using AngleSharp.Html.Parser;
using Mentiora.Grains.Projects;
using Mentiora.Tests.Infrastructure;
using Mentiora.Web.Sdk;

namespace Mentiora.Tests.Web;

/// <summary>
/// The browser-mode help in a key's Allowed origins dialog: code that works with the published SDK
/// as it is, and the import of our module from a URL that serves it.
/// </summary>
public sealed class BrowserModeHelpTests(EmbeddedIngestionAppFixture fixture) : LeakCheckedTests(fixture.App), IClassFixture<EmbeddedIngestionAppFixture>
{
    // The dialog as a page, the way it opens without JavaScript; its code blocks as a person reads them.
    private static async Task<(IReadOnlyList<string> Snippets, string PublishableKey, DashboardClient Dashboard)> OpenHelpAsync(MentioraApp app)
    {
        var dashboard = new DashboardClient(app);
        var email = DashboardClient.NewEmail();
        var projectId = await dashboard.SignUpAsync(email);
        var created = (await app.Grains.GetGrain<IProjectDashboardGrain>(projectId).CreateApiKey(email, "Website")).Created!;
        var html = await dashboard.GetPageAsync($"/projects/{projectId}/settings?origins={created.Summary.Id}");
        var help = new HtmlParser().ParseDocument(html).QuerySelector("details.browser-setup");
        Assert.NotNull(help);
        Assert.Equal("Set up browser mode", help.QuerySelector("summary")?.TextContent.Trim());
        return ([.. help.QuerySelectorAll("pre").Select(pre => pre.TextContent)], created.Summary.PublishableKey, dashboard);
    }

    [Fact]
    public async Task TheHelpShowsThePublishedSdkWithThePublishableKeyAsApiKeyAndThisServerAsBaseUrl()
    {
        var (snippets, publishableKey, dashboard) = await OpenHelpAsync(fixture.App);

        var baseUrl = dashboard.BaseAddress.GetLeftPart(UriPartial.Authority);
        Assert.Contains(snippets, snippet =>
            snippet.Contains("new MentioraClient({", StringComparison.Ordinal) &&
            snippet.Contains($"apiKey: '{publishableKey}'", StringComparison.Ordinal) &&
            snippet.Contains($"baseUrl: '{baseUrl}'", StringComparison.Ordinal));

        // The published SDK has no such option: showing it would give code that silently does nothing.
        Assert.DoesNotContain(snippets, snippet => snippet.Contains("new MentioraClient", StringComparison.Ordinal) && snippet.Contains("getIdentityToken", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheHelpSaysHowToRollWithAnOverlapLongerThanATokenLivesUsingTheDialogsOwnButtons()
    {
        var dashboard = new DashboardClient(fixture.App);
        var email = DashboardClient.NewEmail();
        var projectId = await dashboard.SignUpAsync(email);
        var created = (await fixture.App.Grains.GetGrain<IProjectDashboardGrain>(projectId).CreateApiKey(email, "Website")).Created!;
        var dialog = new HtmlParser().ParseDocument(await dashboard.GetPageAsync($"/projects/{projectId}/settings?origins={created.Summary.Id}"));
        var help = string.Join(' ', dialog.QuerySelector("details.browser-setup")!.TextContent.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        var buttons = dialog.QuerySelectorAll("#origins-dialog-body button[type='submit']").Select(b => b.TextContent.Trim()).ToList();

        Assert.Contains("Rolling without signing anyone out", help);
        // The overlap it advises covers the longest token the API accepts.
        Assert.Equal(3600, Mentiora.Grains.Keys.IdentityTokens.MaxLifetimeSeconds);
        Assert.Contains("with an overlap longer than your tokens' lifetime (tokens live at most one hour, so In 1 hour or more), then deploy the new secret to your server", help);
        Assert.Contains("Tokens minted before keep verifying until the overlap ends", help);
        Assert.Contains("deploy your page with the new key within the overlap", help);
        Assert.Contains("Roll signing secret", buttons);
        Assert.Contains("Roll publishable key", buttons);
        Assert.Contains("In 1 hour", dialog.QuerySelectorAll("form[action*='RollSigningSecret'] label.radio-field").Select(l => l.TextContent.Trim()));
    }

    [Fact]
    public async Task TheHelpImportsTheModuleFromAUrlOfThisServerThatServesIt()
    {
        var (snippets, publishableKey, dashboard) = await OpenHelpAsync(fixture.App);

        var moduleSnippet = Assert.Single(snippets, snippet => snippet.Contains("createMentioraBrowserClient", StringComparison.Ordinal));
        Assert.Contains($"publishableKey: '{publishableKey}'", moduleSnippet, StringComparison.Ordinal);
        Assert.Contains("getIdentityToken:", moduleSnippet, StringComparison.Ordinal);
        var moduleUrl = new Uri(System.Text.RegularExpressions.Regex.Match(moduleSnippet, "from '([^']+)'").Groups[1].Value);
        Assert.Equal(dashboard.BaseAddress.GetLeftPart(UriPartial.Authority) + BrowserSdkFile.VersionedPath, moduleUrl.ToString());

        using var module = await fixture.Client.GetAsync(moduleUrl.PathAndQuery);
        Assert.True(module.IsSuccessStatusCode, $"the module's URL answered {(int)module.StatusCode}");
        Assert.Contains("export function createMentioraBrowserClient(", await module.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
