using System.Net;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;
using Mentiora.Grains;
using Mentiora.Grains.Projects;
using Mentiora.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Core.Internal;
using Orleans.Storage;

namespace Mentiora.Tests.Dashboard;

/// <summary>
/// The Allowed origins dialog's Report only, Blocked origins and Test an origin as a browser
/// without JavaScript uses them: the forms the page shows, submitted as they are, on the
/// embedded default and on PostgreSQL.
/// </summary>
public abstract class OriginToolsPageTests(DashboardAppFixture fixture) : LeakCheckedTests(fixture.App)
{
    private const string Shop = "https://shop.example.net";

    private static readonly HtmlParser Parser = new();

    private static string Settings(Guid projectId) => $"/projects/{projectId}/settings";

    private static async Task<(DashboardClient Browser, Guid ProjectId, Guid KeyId)> KeyAsync(DashboardAppFixture fixture)
    {
        var browser = fixture.NewVisitor();
        var projectId = await browser.SignUpAsync();
        await browser.CreateApiKeyAsync(projectId, "Web");
        var keyId = DashboardHtml.KeyRowIds(await browser.GetPageAsync(Settings(projectId)))[0];
        return (browser, projectId, keyId);
    }

    private static async Task<IDocument> OpenDialogAsync(DashboardClient browser, Guid projectId, Guid keyId) =>
        Parser.ParseDocument(await browser.GetPageAsync($"{Settings(projectId)}?origins={keyId}"));

    private static IElement Dialog(IDocument page)
    {
        var dialog = page.GetElementById("origins-dialog")!;
        Assert.True(dialog.HasAttribute("open"), "the Allowed origins dialog is open");
        return dialog;
    }

    private static IHtmlInputElement ReportOnlyBox(IDocument page) =>
        (IHtmlInputElement)Dialog(page).QuerySelectorAll("input[type=checkbox]").Single(box => LabelOf(page, box) == "Report only");

    private static IHtmlInputElement RequireTokenBox(IDocument page) =>
        (IHtmlInputElement)Dialog(page).QuerySelectorAll("input[type=checkbox]").Single(box => LabelOf(page, box) == "Require identity token");

    private static string? LabelOf(IDocument page, IElement input) => page.QuerySelector($"label[for='{input.Id}']")?.TextContent.Trim();

    private static IElement BlockedOrigins(IDocument page)
    {
        var heading = Dialog(page).QuerySelectorAll("h3").Single(h => h.TextContent.Trim() == "Blocked origins");
        return page.QuerySelector($"ul[aria-labelledby='{heading.Id}']")!;
    }

    private static IElement AllowedOrigins(IDocument page) => Dialog(page).QuerySelector("ul[aria-label='Origins']")!;

    private static Dictionary<string, string> FieldsOf(IElement form) =>
        form.QuerySelectorAll("input[name]").Cast<IHtmlInputElement>()
            .Where(input => input.Type != "checkbox" || input.IsChecked)
            .Where(input => input.Name != "__RequestVerificationToken")
            .ToDictionary(input => input.Name!, input => input.Value);

    // The form a button belongs to, posted as the browser would: its action, its fields.
    private static Task<HttpResponseMessage> SubmitAsync(DashboardClient browser, IElement button, Action<Dictionary<string, string>>? fill = null)
    {
        var form = button.Closest("form")!;
        var fields = FieldsOf(form);
        fill?.Invoke(fields);
        Assert.Equal("post", form.GetAttribute("method"));
        return browser.PostFormAsync(form.GetAttribute("action")!, fields);
    }

    private static HttpRequestMessage FromBrowser(string publishableKey, string origin)
    {
        var request = TraceEvents.Post(TraceEvents.Valid(), publishableKey);
        request.Headers.Add("Origin", origin);
        return request;
    }

    private static string PublishableKey(IDocument page, Guid keyId) => ((IHtmlInputElement)page.GetElementById($"publishable-key-{keyId}")!).Value;

    [Fact]
    public async Task ReportOnlyIsSwitchedOnAndOffWithTheCheckboxAndLetsTheOriginThrough()
    {
        var (browser, projectId, keyId) = await KeyAsync(fixture);
        var page = await OpenDialogAsync(browser, projectId, keyId);
        var publishableKey = PublishableKey(page, keyId);
        Assert.False(ReportOnlyBox(page).IsChecked, "Report only is off by default");
        await ApiAssert.Error(await browser.Http.SendAsync(FromBrowser(publishableKey, Shop)), HttpStatusCode.Forbidden, "origin_not_allowed");

        var save = Dialog(page).QuerySelectorAll("button").Single(b => b.TextContent.Trim() == "Save" && b.Closest("form")!.Contains(ReportOnlyBox(page)));
        var switchedOn = await SubmitAsync(browser, save, fields => fields["reportOnly"] = "true");

        Assert.Equal(HttpStatusCode.Redirect, switchedOn.StatusCode);
        page = Parser.ParseDocument(await browser.GetPageAsync(switchedOn.Headers.Location!.ToString()));
        Assert.True(ReportOnlyBox(page).IsChecked);
        Assert.Equal(HttpStatusCode.Accepted, (await browser.Http.SendAsync(FromBrowser(publishableKey, Shop))).StatusCode);
        page = await OpenDialogAsync(browser, projectId, keyId);
        var listed = BlockedOrigins(page).QuerySelectorAll("li").Single(li => li.QuerySelector("code")?.TextContent == Shop);
        Assert.Contains("2 requests, the last let through by Report only", listed.TextContent);

        // Unchecked, the box sends nothing: the form says off.
        save = Dialog(page).QuerySelectorAll("button").Single(b => b.TextContent.Trim() == "Save" && b.Closest("form")!.Contains(ReportOnlyBox(page)));
        var switchedOff = await SubmitAsync(browser, save, fields => fields.Remove("reportOnly"));
        Assert.Equal(HttpStatusCode.Redirect, switchedOff.StatusCode);
        Assert.False(ReportOnlyBox(await OpenDialogAsync(browser, projectId, keyId)).IsChecked);
        await ApiAssert.Error(await browser.Http.SendAsync(FromBrowser(publishableKey, Shop)), HttpStatusCode.Forbidden, "origin_not_allowed");
    }

    [Fact]
    public async Task RequireIdentityTokenIsSwitchedWithTheCheckboxAndThenBrowserRequestsNeedAToken()
    {
        var (browser, projectId, keyId) = await KeyAsync(fixture);
        await browser.PostFormAsync($"{Settings(projectId)}?handler=AddOrigin", new() { ["keyId"] = keyId.ToString(), ["origin"] = Shop });
        var page = await OpenDialogAsync(browser, projectId, keyId);
        var publishableKey = PublishableKey(page, keyId);
        Assert.False(RequireTokenBox(page).IsChecked, "Require identity token is off by default");
        Assert.Equal(HttpStatusCode.Accepted, (await browser.Http.SendAsync(FromBrowser(publishableKey, Shop))).StatusCode);

        var save = Dialog(page).QuerySelectorAll("button").Single(b => b.TextContent.Trim() == "Save" && b.Closest("form")!.Contains(RequireTokenBox(page)));
        var switchedOn = await SubmitAsync(browser, save, fields => fields["requireIdentityToken"] = "true");

        Assert.Equal(HttpStatusCode.Redirect, switchedOn.StatusCode);
        page = Parser.ParseDocument(await browser.GetPageAsync(switchedOn.Headers.Location!.ToString()));
        Assert.True(RequireTokenBox(page).IsChecked);
        Assert.False(ReportOnlyBox(page).IsChecked, "the other switch is left alone");
        var refused = await ApiAssert.Error(await browser.Http.SendAsync(FromBrowser(publishableKey, Shop)), HttpStatusCode.Unauthorized, "identity_token_invalid");
        Assert.Contains("requires an identity token", (string?)refused["message"]);

        // With htmx, unchecking the box answers the dialog with what changed.
        var form = RequireTokenBox(page).Closest("form")!;
        var fields = FieldsOf(form);
        fields.Remove("requireIdentityToken");
        var switchedOff = await browser.PostFormAsync(form.GetAttribute("hx-post")!, fields, htmx: true);
        Assert.Equal(HttpStatusCode.OK, switchedOff.StatusCode);
        var partial = Parser.ParseDocument(await switchedOff.Content.ReadAsStringAsync());
        Assert.Contains("Require identity token is off", partial.QuerySelector("[role=status]")!.TextContent);
        Assert.False(RequireTokenBox(await OpenDialogAsync(browser, projectId, keyId)).IsChecked);
        Assert.Equal(HttpStatusCode.Accepted, (await browser.Http.SendAsync(FromBrowser(publishableKey, Shop))).StatusCode);
    }

    [Fact]
    public async Task ABlockedOriginIsAllowedFromTheListWithTheSameRulesAsTypingIt()
    {
        var (browser, projectId, keyId) = await KeyAsync(fixture);
        var page = await OpenDialogAsync(browser, projectId, keyId);
        var publishableKey = PublishableKey(page, keyId);
        Assert.Contains("No origins were refused in the last 7 days", BlockedOrigins(page).TextContent);
        await browser.Http.SendAsync(FromBrowser(publishableKey, Shop));
        await browser.Http.SendAsync(FromBrowser(publishableKey, "null"));

        page = await OpenDialogAsync(browser, projectId, keyId);
        var entries = BlockedOrigins(page).QuerySelectorAll("li").ToDictionary(li => li.QuerySelector("code")!.TextContent);
        Assert.Contains("1 request refused", entries[Shop].TextContent);
        var allowShop = entries[Shop].QuerySelectorAll("button").Single(b => b.TextContent.Trim() == "Allow");
        var allowNull = entries["null"].QuerySelectorAll("button").Single(b => b.TextContent.Trim() == "Allow");

        // A sandboxed page sends the origin "null", which no rule may allow: the same message as typing it.
        var refused = await SubmitAsync(browser, allowNull);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Contains("Start with https:// or http://", DashboardHtml.Errors(await refused.Content.ReadAsStringAsync()).Single());

        var allowed = await SubmitAsync(browser, allowShop);
        Assert.Equal(HttpStatusCode.Redirect, allowed.StatusCode);
        page = await OpenDialogAsync(browser, projectId, keyId);
        Assert.Contains(Shop, AllowedOrigins(page).TextContent);
        Assert.DoesNotContain(Shop, BlockedOrigins(page).TextContent);
        Assert.Equal(HttpStatusCode.Accepted, (await browser.Http.SendAsync(FromBrowser(publishableKey, Shop))).StatusCode);
    }

    [Fact]
    public async Task AddingAWildcardOnAPublicSuffixShowsWhyAndSavesNothing()
    {
        var (browser, projectId, keyId) = await KeyAsync(fixture);
        var page = await OpenDialogAsync(browser, projectId, keyId);
        var add = Dialog(page).QuerySelectorAll("button").Single(b => b.TextContent.Trim() == "Add origin");

        var refused = await SubmitAsync(browser, add, fields => fields["origin"] = "https://*.github.io");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Equal(
            "The wildcard *.github.io would allow every site on github.io, a public suffix where anyone can register a site of their own; list your own subdomain instead, like https://*.yourapp.github.io or https://yourapp.github.io.",
            DashboardHtml.Errors(await refused.Content.ReadAsStringAsync()).Single());
        var after = await OpenDialogAsync(browser, projectId, keyId);
        Assert.Empty(AllowedOrigins(after).QuerySelectorAll("code"));
        Assert.Contains("No origins yet", AllowedOrigins(after).TextContent);

        // Their own subdomain of the same platform is fine.
        var own = await SubmitAsync(browser, add, fields => fields["origin"] = "https://*.myapp.github.io");
        Assert.Equal(HttpStatusCode.Redirect, own.StatusCode);
        Assert.Equal(["https://*.myapp.github.io"], AllowedOrigins(await OpenDialogAsync(browser, projectId, keyId)).QuerySelectorAll("code").Select(c => c.TextContent));
    }

    [Fact]
    public async Task AWildcardOnAPublicSuffixStoredBeforeTheRuleAcceptsNothingAndTheDialogSaysSo()
    {
        var (browser, projectId, keyId) = await KeyAsync(fixture);
        var project = fixture.App.Grains.GetGrain<IProjectDashboardGrain>(projectId);

        // As an older version left it: saved before public suffixes were refused.
        var storage = fixture.App.Services.GetRequiredKeyedService<IGrainStorage>(StorageNames.Grains);
        var state = new GrainState<ProjectState>(new ProjectState());
        await storage.ReadStateAsync("project", project.GetGrainId(), state);
        state.State!.ApiKeys.Single().AllowedOrigins.Add("https://*.github.io");
        await storage.WriteStateAsync("project", project.GetGrainId(), state);
        await project.AsReference<IGrainManagementExtension>().DeactivateOnIdle();

        var page = await OpenDialogAsync(browser, projectId, keyId);
        var entry = AllowedOrigins(page).QuerySelectorAll("li").Single(li => li.QuerySelector("code")?.TextContent == "https://*.github.io");
        Assert.StartsWith("Accepts nothing. The wildcard *.github.io would allow every site on github.io", entry.QuerySelector("[role=note]")!.TextContent.Trim());
        var publishableKey = PublishableKey(page, keyId);
        await ApiAssert.Error(await browser.Http.SendAsync(FromBrowser(publishableKey, "https://someone.github.io")), HttpStatusCode.Forbidden, "origin_not_allowed");

        // Its owner can still remove it.
        var remove = entry.QuerySelectorAll("button").Single(b => b.TextContent.Trim() == "Remove");
        Assert.Equal(HttpStatusCode.Redirect, (await SubmitAsync(browser, remove)).StatusCode);
        Assert.Contains("No origins yet", AllowedOrigins(await OpenDialogAsync(browser, projectId, keyId)).TextContent);
    }

    [Fact]
    public async Task TestAnOriginSaysWhichRuleMatchesOrWhyNotWithoutSavingAnything()
    {
        var (browser, projectId, keyId) = await KeyAsync(fixture);
        var add = await browser.PostFormAsync($"{Settings(projectId)}?handler=AddOrigin", new() { ["keyId"] = keyId.ToString(), ["origin"] = "https://*.example.com" });
        Assert.Equal(HttpStatusCode.Redirect, add.StatusCode);

        async Task<string> TestAsync(string origin)
        {
            var page = await OpenDialogAsync(browser, projectId, keyId);
            var field = Dialog(page).QuerySelectorAll("input").Single(input => LabelOf(page, input) == "Test an origin");
            var form = field.Closest("form")!;
            Assert.Contains(form.QuerySelectorAll("button"), b => b.TextContent.Trim() == "Test");
            Assert.Equal("get", form.GetAttribute("method"));
            var fields = FieldsOf(form);
            fields[field.GetAttribute("name")!] = origin;
            var query = string.Join("&", fields.Select(f => $"{Uri.EscapeDataString(f.Key)}={Uri.EscapeDataString(f.Value)}"));
            var answered = Parser.ParseDocument(await browser.GetPageAsync($"{form.GetAttribute("action")}?{query}"));
            return answered.GetElementById("origin-test-result")!.TextContent.Trim();
        }

        Assert.Equal("https://eu.app.example.com would be accepted: the allowed origin https://*.example.com covers it.", await TestAsync("https://eu.app.example.com"));
        Assert.StartsWith("https://example.com would be refused (origin_not_allowed)", await TestAsync("HTTPS://Example.com/"));
        Assert.Contains("Remove the path", await TestAsync("https://app.example.com/checkout"));

        var htmx = new HttpRequestMessage(HttpMethod.Get, $"{Settings(projectId)}?handler=Origins&keyId={keyId}&test={Uri.EscapeDataString("https://a.example.com")}");
        htmx.Headers.Add("HX-Request", "true");
        var partial = await (await browser.Http.SendAsync(htmx)).Content.ReadAsStringAsync();
        Assert.DoesNotContain("<html", partial);
        Assert.Contains("https://a.example.com would be accepted", partial);

        var after = await OpenDialogAsync(browser, projectId, keyId);
        Assert.Equal(["https://*.example.com"], AllowedOrigins(after).QuerySelectorAll("code").Select(c => c.TextContent));
        Assert.Contains("No origins were refused", BlockedOrigins(after).TextContent);
    }
}

public sealed class OriginToolsPageOnEmbeddedStorage(EmbeddedDashboardAppFixture fixture)
    : OriginToolsPageTests(fixture), IClassFixture<EmbeddedDashboardAppFixture>;

public sealed class OriginToolsPageOnPostgres(PostgresDashboardAppFixture fixture)
    : OriginToolsPageTests(fixture), IClassFixture<PostgresDashboardAppFixture>;
