using System.Net;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using Mentiora.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Mentiora.Tests.Cluster;

/// <summary>Key usage on two silos: each counts what it served, the page on either shows the sum.</summary>
[Collection(SharedTwoSilosCollection.Name)]
public sealed class KeyUsageClusterTests(SharedTwoSilos silos, ITestOutputHelper output)
{
    private static readonly HtmlParser Parser = new();

    [Fact]
    public async Task TheUsagePageOnEitherSiloShowsTracesAndRefusalsServedByBoth()
    {
        var cluster = await silos.GetAsync();
        var cookies = new CookieContainer();
        var onA = DashboardClient.Using(cluster.Silos[0].CreateClient(cookies));
        var onB = DashboardClient.Using(cluster.Silos[1].CreateClient(cookies));
        using var apiOnA = cluster.Silos[0].CreateClient();
        using var apiOnB = cluster.Silos[1].CreateClient();
        var projectId = await onA.SignUpAsync();
        var key = await onA.CreateApiKeyAsync(projectId, "Production");
        var keyId = DashboardHtml.KeyRowIds(await onA.GetPageAsync($"/projects/{projectId}/settings"))[0];

        foreach (var (api, traces) in new[] { (apiOnA, 3), (apiOnB, 4) })
        {
            for (var i = 0; i < traces; i++)
            {
                using var accepted = await api.SendAsync(TraceEvents.Post(TraceEvents.Valid(), key));
                Assert.True(accepted.StatusCode == HttpStatusCode.Accepted, $"a trace should be accepted, got {(int)accepted.StatusCode}");
            }

            using var prefixOnly = await api.SendAsync(TraceEvents.Post(TraceEvents.Valid(), key[..8]));
            Assert.Equal(HttpStatusCode.Unauthorized, prefixOnly.StatusCode);
        }

        var today = DateTime.UtcNow.ToString("yyyy-MM-dd");
        foreach (var browser in new[] { onA, onB })
        {
            var page = await WaitForAsync(browser, $"/projects/{projectId}/keys/{keyId}/usage",
                p => Cell(p, $"tr[data-day='{today}']", 1) == "7" && Cell(p, "tr[data-reason='PrefixOnly']", 1) == "2");
            output.WriteLine($"{browser.BaseAddress}: {Cell(page, $"tr[data-day='{today}']", 1)} traces, {Cell(page, "tr[data-reason='PrefixOnly']", 1)} prefix-only refusals");
            Assert.True(Cell(page, $"tr[data-day='{today}']", 1) == "7", $"the page on {browser.BaseAddress} should count the 3 + 4 traces of both silos.\n{cluster.LogTails(20)}");
            Assert.Equal("2", Cell(page, "tr[data-reason='PrefixOnly']", 1));
            Assert.Equal("7", page.QuerySelector("[data-month-total]")?.TextContent.Trim());
        }
    }

    private static string? Cell(IDocument page, string rowSelector, int column) =>
        page.QuerySelector(rowSelector)?.QuerySelectorAll("td").ElementAtOrDefault(column)?.TextContent.Trim();

    private static async Task<IDocument> WaitForAsync(DashboardClient browser, string url, Func<IDocument, bool> shows)
    {
        // Each silo reports about once a second; a busy machine gets a generous margin.
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var page = Parser.ParseDocument(await browser.GetPageAsync(url));
            if (shows(page) || DateTime.UtcNow > deadline)
            {
                return page;
            }

            await Task.Delay(250);
        }
    }
}
