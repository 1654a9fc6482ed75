using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Mentiora.Grains.Projects;
using Mentiora.Tests.Infrastructure;

namespace Mentiora.Tests.Dashboard;

public sealed partial class TracesPageTests(EmbeddedDashboardAppFixture fixture) : LeakCheckedTests(fixture.App), IClassFixture<EmbeddedDashboardAppFixture>
{
    private async Task<(DashboardClient Browser, Guid ProjectId, string Key)> ProjectWithKeyAsync()
    {
        var browser = fixture.NewVisitor();
        var email = DashboardClient.NewEmail();
        var projectId = await browser.SignUpAsync(email);
        var created = await fixture.App.Grains.GetGrain<IProjectDashboardGrain>(projectId).CreateApiKey(email.ToLowerInvariant(), "Production");
        return (browser, projectId, created.Created!.Key.Reveal());
    }

    [Fact]
    public async Task AnEmptyProjectExplainsHowToSendAFirstTrace()
    {
        var browser = fixture.NewVisitor();
        var projectId = await browser.SignUpAsync();

        var html = await browser.GetPageAsync($"/projects/{projectId}/traces");

        Assert.Contains("Send your first trace", html);
        Assert.Contains("MENTIORA_API_KEY=your-api-key-here", html);
        Assert.Contains($"MENTIORA_BASE_URL={browser.BaseAddress.GetLeftPart(UriPartial.Authority)}", html);
        Assert.Contains("@mentiora.ai/sdk", html);
        Assert.Contains("from mentiora import MentioraClient", html);
        SdkSetupExpectations.ShowsCodeForThisServer(html, browser.BaseAddress);
    }

    [Fact]
    public async Task SentTracesAreListedNewestFirstWithTheirColumns()
    {
        var (browser, projectId, key) = await ProjectWithKeyAsync();
        var first = TraceEvents.Valid();
        first["name"] = "first call";
        var second = TraceEvents.Valid();
        second["name"] = "second call";
        second["type"] = "tool";
        await browser.Http.SendAsync(TraceEvents.Post(first, key));
        await browser.Http.SendAsync(TraceEvents.Post(second, key));

        var html = await browser.GetPageAsync($"/projects/{projectId}/traces");

        Assert.True(html.IndexOf("second call", StringComparison.Ordinal) < html.IndexOf("first call", StringComparison.Ordinal), "newest first");
        Assert.Contains("gpt-4o-mini", html);
        Assert.Contains(key[..8] + "…", html);
        Assert.Contains("1250 ms", html);
        Assert.Contains(">15<", html);
        Assert.DoesNotContain(key, html);

        var tools = await browser.GetPageAsync($"/projects/{projectId}/traces?type=tool");
        Assert.Contains("second call", tools);
        Assert.DoesNotContain("first call", tools);
    }

    [Fact]
    public async Task PagesFollowEachOtherByKeysetWithoutGapsOrRepeats()
    {
        var (browser, projectId, key) = await ProjectWithKeyAsync();
        for (var i = 0; i < 55; i++)
        {
            var trace = TraceEvents.Valid();
            trace["name"] = $"call-{i:00}";
            Assert.Equal(HttpStatusCode.Accepted, (await browser.Http.SendAsync(TraceEvents.Post(trace, key))).StatusCode);
        }

        var firstPage = await browser.GetPageAsync($"/projects/{projectId}/traces");
        var older = OlderLink().Match(firstPage);
        Assert.True(older.Success, "a full page links to older traces");
        var secondPage = await browser.GetPageAsync(System.Net.WebUtility.HtmlDecode(older.Groups[1].Value));

        var names = CallName().Matches(firstPage).Select(m => m.Value).Concat(CallName().Matches(secondPage).Select(m => m.Value)).ToList();
        Assert.Equal(Enumerable.Range(0, 55).Reverse().Select(i => $"call-{i:00}"), names);
        Assert.DoesNotMatch(OlderLink(), secondPage);
    }

    [Fact]
    public async Task TheDetailViewShowsTheEventAsEscapedReadableJson()
    {
        var (browser, projectId, key) = await ProjectWithKeyAsync();
        var trace = TraceEvents.Valid();
        trace["input"] = new JsonObject { ["prompt"] = "<script>alert('x')</script>" };
        await browser.Http.SendAsync(TraceEvents.Post(trace, key));
        var list = await browser.GetPageAsync($"/projects/{projectId}/traces");
        var detailUrl = DetailLink().Match(list).Groups[1].Value;

        var detail = await browser.GetPageAsync(detailUrl);

        Assert.Contains("&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;", detail);
        Assert.DoesNotContain("<script>alert", detail);
        Assert.Contains("&quot;prompt&quot;: ", detail);
        Assert.Contains("Paris.", detail);
        Assert.Contains((string)trace["trace_id"]!, detail);
    }

    [GeneratedRegex("href=\"([^\"]*before=\\d+[^\"]*)\"")]
    private static partial Regex OlderLink();

    [GeneratedRegex("call-\\d\\d(?=</a>)")]
    private static partial Regex CallName();

    [GeneratedRegex("href=\"(/projects/[0-9a-f-]{36}/traces/[0-9a-f-]{36})\"")]
    private static partial Regex DetailLink();
}
