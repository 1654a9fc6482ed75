using System.Net;
using System.Text.Json.Nodes;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using Mentiora.Tests.Infrastructure;

namespace Mentiora.Tests.Dashboard;

/// <summary>
/// The Key usage page as a browser without JavaScript sees it, after real trace posts and refusals,
/// on the embedded default and on PostgreSQL.
/// </summary>
public abstract class KeyUsagePageTests(DashboardAppFixture fixture) : LeakCheckedTests(fixture.App)
{
    private const string PythonSdk = "mentiora-sdk-python/1.2.0";

    private static readonly HtmlParser Parser = new();

    private static string Today => DateTime.UtcNow.ToString("yyyy-MM-dd");

    private static HttpRequestMessage Post(JsonNode body, string key)
    {
        var request = TraceEvents.Post(body, key);
        request.Headers.UserAgent.ParseAdd(PythonSdk);
        return request;
    }

    private static async Task<IDocument> WaitForUsageAsync(DashboardClient browser, string url, Func<IDocument, bool> shows)
    {
        // Each silo reports its counts about once a second: the page shows them within a few.
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var page = Parser.ParseDocument(await browser.GetPageAsync(url));
            if (shows(page) || DateTime.UtcNow > deadline)
            {
                return page;
            }

            await Task.Delay(200);
        }
    }

    private static string? Cell(IDocument page, string rowSelector, int column) =>
        page.QuerySelector(rowSelector)?.QuerySelectorAll("td").ElementAtOrDefault(column)?.TextContent.Trim();

    [Fact]
    public async Task TheKeyUsagePageShowsAcceptedTracesAndTheKeysOwnRefusals()
    {
        var browser = fixture.NewVisitor();
        var projectId = await browser.SignUpAsync();
        var key = await browser.CreateApiKeyAsync(projectId, "Production");
        var other = await browser.CreateApiKeyAsync(projectId, "Staging");
        var settings = Parser.ParseDocument(await browser.GetPageAsync($"/projects/{projectId}/settings"));
        var keyId = DashboardHtml.KeyRowIds(settings.DocumentElement.OuterHtml)[0];

        var button = settings.GetElementById($"key-{keyId}")!.QuerySelector("button[aria-label='Key usage']");
        Assert.NotNull(button);
        var url = button.Closest("form")!.GetAttribute("action")!;
        Assert.Equal($"/projects/{projectId}/keys/{keyId}/usage", url);

        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(HttpStatusCode.Accepted, (await browser.Http.SendAsync(Post(TraceEvents.Valid(), key))).StatusCode);
        }

        Assert.Equal(HttpStatusCode.Accepted, (await browser.Http.SendAsync(Post(new JsonArray(TraceEvents.Valid(), TraceEvents.Valid(), TraceEvents.Valid()), key))).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await browser.Http.SendAsync(Post(TraceEvents.Valid(), other))).StatusCode);

        var noTraceId = TraceEvents.Valid();
        noTraceId.Remove("trace_id");
        Assert.Equal(HttpStatusCode.BadRequest, (await browser.Http.SendAsync(Post(noTraceId, key))).StatusCode);
        var samePrefixWrongKey = key[..8] + new string(key[8] == 'A' ? 'B' : 'A', key.Length - 8);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.Http.SendAsync(Post(TraceEvents.Valid(), samePrefixWrongKey))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.Http.SendAsync(Post(TraceEvents.Valid(), key[..8]))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.Http.SendAsync(Post(TraceEvents.Valid(), key[..20] + " " + key[20..]))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.Http.SendAsync(Post(TraceEvents.Valid(), other[..8] + new string('x', 35)))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.Http.SendAsync(Post(TraceEvents.Valid(), "nobodys_" + new string('x', 35)))).StatusCode);

        var page = await WaitForUsageAsync(browser, url, p =>
            Cell(p, $"tr[data-day='{Today}']", 1) == "5" && p.QuerySelectorAll("tr[data-reason]").Length == 4);

        Assert.Equal("Usage of Production", page.QuerySelector("h2")?.TextContent.Trim());
        Assert.Contains("Counts may lag by up to a minute.", page.Body!.TextContent);
        Assert.Equal("5", Cell(page, $"tr[data-day='{Today}']", 1));
        Assert.Equal(14, page.QuerySelectorAll("tr[data-day]").Length);
        Assert.Equal("5", page.QuerySelector("[data-month-total]")?.TextContent.Trim());
        Assert.Equal(14, page.QuerySelectorAll("svg.usage-chart rect").Length);
        foreach (var reason in new[] { "InvalidApiKey", "PrefixOnly", "Whitespace", "InvalidTrace" })
        {
            Assert.Equal("1", Cell(page, $"tr[data-reason='{reason}']", 1));
        }

        Assert.Contains("Ensure you copied the full key, not just the 8-character prefix shown in the list", Cell(page, "tr[data-reason='PrefixOnly']", 2));
        Assert.Contains("Check for trailing whitespace or newlines in your environment variable", Cell(page, "tr[data-reason='Whitespace']", 2));
        var latest = page.QuerySelector("table[aria-label='Latest refusals']")!;
        Assert.Equal(4, latest.QuerySelectorAll("tbody tr").Length);
        Assert.Contains(PythonSdk, latest.TextContent);
        Assert.Contains(PythonSdk, page.QuerySelector("dl.facts")!.TextContent);
        Assert.Empty(page.QuerySelectorAll("[style]"));
        Assert.DoesNotContain(key, page.DocumentElement.OuterHtml);

        // The other key's trace and its wrong key with its prefix are its own; the prefix nobody owns is no key's.
        var otherId = DashboardHtml.KeyRowIds(settings.DocumentElement.OuterHtml)[1];
        var otherPage = await WaitForUsageAsync(browser, $"/projects/{projectId}/keys/{otherId}/usage", p =>
            Cell(p, $"tr[data-day='{Today}']", 1) == "1" && p.QuerySelector("tr[data-reason]") is not null);
        Assert.Equal("1", Cell(otherPage, $"tr[data-day='{Today}']", 1));
        var otherRefusal = Assert.Single(otherPage.QuerySelectorAll("tr[data-reason]"));
        Assert.Equal("InvalidApiKey", otherRefusal.GetAttribute("data-reason"));
        Assert.Equal("1", otherRefusal.QuerySelectorAll("td")[1].TextContent.Trim());
    }

    [Fact]
    public async Task ASecretKeySentFromAWebPageShowsOnItsUsagePageWithWhatToDo()
    {
        var browser = fixture.NewVisitor();
        var projectId = await browser.SignUpAsync();
        var key = await browser.CreateApiKeyAsync(projectId, "Website");
        var keyId = DashboardHtml.KeyRowIds(await browser.GetPageAsync($"/projects/{projectId}/settings"))[0];
        var fromPage = Post(TraceEvents.Valid(), key);
        fromPage.Headers.Add("Origin", "https://shop.example.com");
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.Http.SendAsync(fromPage)).StatusCode);

        var page = await WaitForUsageAsync(browser, $"/projects/{projectId}/keys/{keyId}/usage", p => p.QuerySelector("tr[data-reason='SecretKeyInBrowser']") is not null);

        Assert.Equal("1", Cell(page, "tr[data-reason='SecretKeyInBrowser']", 1));
        var row = page.QuerySelector("tr[data-reason='SecretKeyInBrowser']")!.TextContent;
        Assert.Contains("Secret key sent from a web page", row);
        Assert.Contains("insufficient_permissions", row);
        Assert.Contains("use the publishable key (pk_live_…) in browsers, and replace this key with a new one", Cell(page, "tr[data-reason='SecretKeyInBrowser']", 2));
    }

    [Fact]
    public async Task WithHtmxTheUsageIsTheDialogsContentAndOnlyMembersSeeIt()
    {
        var browser = fixture.NewVisitor();
        var projectId = await browser.SignUpAsync();
        await browser.CreateApiKeyAsync(projectId, "CI/CD");
        var keyId = DashboardHtml.KeyRowIds(await browser.GetPageAsync($"/projects/{projectId}/settings"))[0];
        var url = $"/projects/{projectId}/keys/{keyId}/usage";

        using var htmx = new HttpRequestMessage(HttpMethod.Get, url);
        htmx.Headers.Add("HX-Request", "true");
        var partial = await (await browser.Http.SendAsync(htmx)).Content.ReadAsStringAsync();
        Assert.DoesNotContain("<html", partial);
        Assert.Contains("Usage of CI/CD", partial);
        Assert.Contains("No trace accepted yet.", partial);

        var stranger = fixture.NewVisitor();
        await stranger.SignUpAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.Http.GetAsync(url)).StatusCode);
    }
}

public sealed class KeyUsagePageOnEmbeddedStorage(EmbeddedDashboardAppFixture fixture)
    : KeyUsagePageTests(fixture), IClassFixture<EmbeddedDashboardAppFixture>;

public sealed class KeyUsagePageOnPostgres(PostgresDashboardAppFixture fixture)
    : KeyUsagePageTests(fixture), IClassFixture<PostgresDashboardAppFixture>;
