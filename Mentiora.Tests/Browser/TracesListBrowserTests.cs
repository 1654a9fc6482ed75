using System.Text.Json.Nodes;
using Mentiora.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Mentiora.Tests.Browser;

/// <summary>The Traces list, its chart and its filters in a real Chromium under the strict Content-Security-Policy.</summary>
public sealed class TracesListBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IAsyncLifetime
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
    public async Task ADeveloperSeesTheChartAndNarrowsTheListToTracesWithErrors()
    {
        await _page.OpenSettingsAsync();
        var key = await _page.CreateKeyAsync("Production");
        var projectId = Guid.Parse(_page.Url.Split("/projects/")[1].Split('/')[0]);
        for (var i = 0; i < 4; i++)
        {
            var trace = TraceEvents.Valid();
            trace["name"] = $"answer {i}";
            var child = TraceEvents.Valid();
            child["trace_id"] = trace["trace_id"]!.DeepClone();
            child["parent_span_id"] = trace["span_id"]!.DeepClone();
            child["name"] = "lookup";
            child["type"] = i == 2 ? "error" : "tool";
            using var response = await _api.SendAsync(TraceEvents.Post(new JsonArray(child, trace), key));
            Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
        }

        await _page.GotoAsync($"/projects/{projectId}/traces");
        var chart = _page.GetByRole(AriaRole.Figure);
        await Expect(chart).ToContainTextAsync("Traces and tokens per hour");
        await Expect(chart.GetByRole(AriaRole.Img)).ToHaveAccessibleNameAsync("Traces and tokens per hour: 4 traces and 120 tokens in all.");
        var rows = _page.Locator("table.traces-table tbody tr");
        await Expect(rows).ToHaveCountAsync(4);
        await Expect(_page.GetByRole(AriaRole.Link, new() { Name = "answer 3" })).ToHaveAttributeAsync("href", new System.Text.RegularExpressions.Regex($"^/projects/{projectId}/traces/[0-9a-f-]{{36}}$"));
        await browser.SaveScreenshotAsync(_page, "Traces.list");

        await _page.GetByLabel("Time range").SelectOptionAsync(new SelectOptionValue { Label = "Last 7 days" });
        await _page.GetByLabel("Errors only").CheckAsync();
        await _page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();

        await Expect(_page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("range=7d.*errors=true"));
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows.First).ToContainTextAsync("answer 2");
        await Expect(rows.First).ToContainTextAsync("Error");
        await Expect(chart).ToContainTextAsync("Traces and tokens per day");
        await Expect(_page.GetByLabel("Errors only")).ToBeCheckedAsync();
    }
}
