using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using Mentiora.Grains.Keys;
using Mentiora.Grains.Projects;
using Mentiora.Tests.Infrastructure;
using Mentiora.Web.Traces;
using Microsoft.Extensions.DependencyInjection;

namespace Mentiora.Tests.Dashboard;

/// <summary>
/// The Traces list as a browser without JavaScript sees it: one row per trace from the summaries the
/// writer keeps, its filters and pager in the URL, and its chart; on the embedded default and on PostgreSQL.
/// </summary>
public abstract class TracesPageTests(DashboardAppFixture fixture) : LeakCheckedTests(fixture.App)
{
    private static readonly HtmlParser Parser = new();

    protected DashboardAppFixture Fixture => fixture;

    /// <summary>A signed-up owner's project with one or more created keys.</summary>
    protected sealed record Project(DashboardClient Browser, Guid Id, IReadOnlyList<RevealedApiKey> Keys);

    /// <summary>One row of the list as a reader sees it.</summary>
    protected sealed record ListedTrace(
        string Name, string Href, string Type, string Duration, string Spans, string Tokens, bool Error, string EndUser, string? EndUserHref, string Key);

    protected async Task<Project> ProjectAsync(int keys = 1)
    {
        var browser = fixture.NewVisitor();
        var email = DashboardClient.NewEmail();
        var projectId = await browser.SignUpAsync(email);
        var grain = fixture.App.Grains.GetGrain<IProjectDashboardGrain>(projectId);
        var created = new List<RevealedApiKey>();
        for (var i = 0; i < keys; i++)
        {
            created.Add(new RevealedApiKey((await grain.CreateApiKey(email.ToLowerInvariant(), $"Key {i}")).Created!));
        }

        return new Project(browser, projectId, created);
    }

    /// <summary>A span as the parser would have read it, for writing straight through the app's sink.</summary>
    protected static TraceEvent Span(
        Guid traceId, string name, DateTimeOffset start, double? durationMs = 100, Guid? parent = null, string type = "llm",
        long? tokens = 10, bool error = false, Guid? spanId = null, DateTimeOffset? end = null, Guid? threadId = null) =>
        new(traceId, spanId ?? Guid.CreateVersion7(), parent, threadId, name, type, start, end, durationMs, "gpt-4o-mini", "openai",
            tokens, 0, tokens, null, "{}", error);

    protected async Task WriteAsync(Project project, params TraceEvent[] spans) =>
        await WriteAsync(project, project.Keys[0], null, spans);

    protected async Task WriteAsync(Project project, RevealedApiKey key, EndUser? endUser, params TraceEvent[] spans)
    {
        var sink = fixture.App.Services.GetRequiredService<ITraceBatchSink>();
        await sink.WriteAsync(spans.Select(s => new TraceRecord(project.Id, key.Summary.Id, DateTimeOffset.UtcNow, s, endUser)).ToArray(), CancellationToken.None);
    }

    protected static async Task<(IDocument Page, IReadOnlyList<ListedTrace> Rows)> ListAsync(Project project, string query = "")
    {
        var page = Parser.ParseDocument(await project.Browser.GetPageAsync($"/projects/{project.Id}/traces{query}"));
        var rows = page.QuerySelectorAll("table.traces-table tbody tr:not(.empty-row)").Select(tr =>
        {
            var cells = tr.QuerySelectorAll("td").ToArray();
            var name = cells[1].QuerySelector("a")!;
            var user = cells[7].QuerySelector("a");
            return new ListedTrace(
                name.TextContent.Trim(), name.GetAttribute("href")!, cells[2].TextContent.Trim(), cells[3].TextContent.Trim(),
                cells[4].TextContent.Trim(), cells[5].TextContent.Trim(), cells[6].TextContent.Contains("Error", StringComparison.Ordinal),
                cells[7].TextContent.Trim(), user is null ? null : WebUtility.HtmlDecode(user.GetAttribute("href")!), cells[8].TextContent.Trim());
        }).ToArray();
        return (page, rows);
    }

    private static string? Link(IDocument page, string text) =>
        page.QuerySelectorAll("nav.pager a").FirstOrDefault(a => a.TextContent.Trim() == text)?.GetAttribute("href") is { } href
            ? WebUtility.HtmlDecode(href)
            : null;

    private static IReadOnlyList<string> Names(IReadOnlyList<ListedTrace> rows) => rows.Select(r => r.Name).ToArray();

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
    public async Task ANestedTraceSentOverTheApiIsOneRowNamedByItsRootOnceTheRootArrives()
    {
        var project = await ProjectAsync();
        var key = project.Keys[0].Key;
        var root = TraceEvents.Valid();
        root["name"] = "answer question";
        root["type"] = "chat";
        var rootStart = DateTimeOffset.Parse((string)root["start_time"]!, CultureInfo.InvariantCulture);
        JsonObject Child(string name, int fromMs, int toMs)
        {
            var child = TraceEvents.Valid();
            child["trace_id"] = root["trace_id"]!.DeepClone();
            child["parent_span_id"] = root["span_id"]!.DeepClone();
            child["name"] = name;
            child["start_time"] = rootStart.AddMilliseconds(fromMs).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
            child["end_time"] = rootStart.AddMilliseconds(toMs).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
            child["duration_ms"] = toMs - fromMs;
            return child;
        }

        var retrieve = Child("retrieve documents", 100, 400);
        var failing = Child("call tool", 500, 900);
        failing["type"] = "error";
        Assert.Equal(HttpStatusCode.Accepted, (await project.Browser.Http.SendAsync(TraceEvents.Post(new JsonArray(failing, retrieve), key))).StatusCode);

        var (_, beforeRoot) = await ListAsync(project);
        var early = Assert.Single(beforeRoot);
        Assert.Equal("retrieve documents", early.Name);
        Assert.Equal("2", early.Spans);

        Assert.Equal(HttpStatusCode.Accepted, (await project.Browser.Http.SendAsync(TraceEvents.Post(root, key))).StatusCode);
        // An SDK retry of a span already stored: answered, and not counted again.
        Assert.Equal(HttpStatusCode.Accepted, (await project.Browser.Http.SendAsync(TraceEvents.Post(retrieve.DeepClone(), key))).StatusCode);

        var (page, rows) = await ListAsync(project);
        var trace = Assert.Single(rows);
        Assert.Equal("answer question", trace.Name);
        Assert.Equal($"/projects/{project.Id}/traces/{(string)root["trace_id"]!}", trace.Href);
        Assert.Equal("chat", trace.Type);
        Assert.Equal("3", trace.Spans);
        Assert.Equal("45", trace.Tokens);
        Assert.True(trace.Error, "a span of type error marks its trace");
        Assert.Equal("1.25 s", trace.Duration);
        Assert.Equal(key[..8] + "…", trace.Key);
        Assert.DoesNotContain(key, page.DocumentElement.OuterHtml);
        Assert.Equal(["Started", "Name", "Type", "Duration", "Spans", "Tokens", "Errors", "End user", "Key"],
            page.QuerySelectorAll("table.traces-table thead th").Select(th => th.TextContent.Trim()));
    }

    [Fact]
    public async Task ASummaryCountsEachStoredSpanOnceWhateverOrderTheSpansArriveIn()
    {
        var project = await ProjectAsync();
        var traceId = Guid.CreateVersion7();
        // Whole milliseconds: PostgreSQL keeps microseconds, SQLite ticks.
        var start = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeMilliseconds());
        var root = Span(traceId, "agent run", start, durationMs: 2000, type: "chat", tokens: null);
        var thread = Guid.CreateVersion7();
        var first = Span(traceId, "plan", start.AddMilliseconds(10), end: start.AddMilliseconds(300), parent: root.SpanId, tokens: 7, threadId: thread);
        // No end_time: its end is its start plus its duration, the latest end of the trace.
        var last = Span(traceId, "summarise", start.AddMilliseconds(1500), durationMs: 1000, parent: root.SpanId, tokens: 11, error: true);
        var user = new EndUser("user-7", "Ada", null);

        await WriteAsync(project, project.Keys[0], null, last, first);
        await WriteAsync(project, project.Keys[0], null, first);
        await WriteAsync(project, project.Keys[0], user, root, last);

        var reader = fixture.App.Services.GetRequiredService<TraceReader>();
        var (rows, more) = await reader.ListTracesAsync(
            project.Id, new TraceListFilter(start.AddHours(-1), start.AddHours(1)), null, 10, CancellationToken.None);
        var summary = Assert.Single(rows);
        Assert.False(more);
        Assert.Equal(3, summary.SpanCount);
        Assert.Equal(18, summary.TotalTokens);
        Assert.True(summary.HasError);
        Assert.Equal(root.SpanId, summary.RootSpanId);
        Assert.Equal("agent run", summary.Name);
        Assert.Equal("chat", summary.Type);
        Assert.Equal("user-7", summary.EndUserId);
        Assert.Equal("Ada", summary.EndUserName);
        Assert.Equal(thread, summary.ThreadId);
        Assert.Equal(start, summary.StartTime);
        Assert.Equal(start.AddMilliseconds(2500), summary.EndTime);
    }

    [Fact]
    public async Task EveryFilterNarrowsTheListAndStaysInTheForm()
    {
        var project = await ProjectAsync(keys: 2);
        var now = DateTimeOffset.UtcNow;
        await WriteAsync(project, Span(Guid.CreateVersion7(), "alpha-1", now.AddMinutes(-20), error: true));
        await WriteAsync(project, Span(Guid.CreateVersion7(), "alpha_2", now.AddHours(-5), type: "tool"));
        await WriteAsync(project, project.Keys[1], null, Span(Guid.CreateVersion7(), "100%_off", now.AddDays(-3)));
        await WriteAsync(project, project.Keys[0], new EndUser("user-42", "Grace", null), Span(Guid.CreateVersion7(), "1000 words", now.AddDays(-12)));
        await WriteAsync(project, Span(Guid.CreateVersion7(), "Alpha", now.AddDays(-45)));

        async Task<IReadOnlyList<string>> Listed(string query) => Names((await ListAsync(project, query)).Rows);

        Assert.Equal(["alpha-1"], await Listed("?range=1h"));
        Assert.Equal(["alpha-1", "alpha_2"], await Listed(""));
        Assert.Equal(["alpha-1", "alpha_2", "100%_off"], await Listed("?range=7d"));
        Assert.Equal(["alpha-1", "alpha_2", "100%_off", "1000 words"], await Listed("?range=30d"));
        var from = now.AddDays(-50).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var to = now.AddDays(-4).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        Assert.Equal(["1000 words", "Alpha"], await Listed($"?range=custom&from={from}&to={to}"));
        Assert.Equal(["alpha_2"], await Listed("?range=30d&type=tool"));
        Assert.Equal(["100%_off"], await Listed($"?range=30d&key={project.Keys[1].Summary.Id}"));
        Assert.Equal(["1000 words"], await Listed("?range=30d&user=user-42"));
        Assert.Equal(["alpha_2"], await Listed("?range=30d&name=alpha_"));
        Assert.Equal(["100%_off"], await Listed("?range=30d&name=100%25"));
        Assert.Equal(["alpha-1", "alpha_2"], await Listed("?range=30d&name=alpha"));
        Assert.Equal(["alpha-1"], await Listed("?range=30d&errors=true"));

        var (page, rows) = await ListAsync(project, $"?range=30d&type=llm&user=user-42&name=1000&errors=false&key={project.Keys[0].Summary.Id}");
        var listed = Assert.Single(rows);
        Assert.Equal("Grace", listed.EndUser);
        Assert.Contains("user=user-42", listed.EndUserHref);
        Assert.Equal("30d", page.QuerySelector("#filter-range option[selected]")?.GetAttribute("value"));
        Assert.Equal("llm", page.QuerySelector("#filter-type option[selected]")?.GetAttribute("value"));
        Assert.Equal(project.Keys[0].Summary.Id.ToString(), page.QuerySelector("#filter-key option[selected]")?.GetAttribute("value"));
        Assert.Equal("user-42", page.QuerySelector("#filter-user")?.GetAttribute("value"));
        Assert.Equal("1000", page.QuerySelector("#filter-name")?.GetAttribute("value"));
        Assert.NotNull(page.QuerySelectorAll("a").FirstOrDefault(a => a.TextContent.Trim() == "Clear"));
        var (errorsPage, _) = await ListAsync(project, "?errors=true");
        Assert.True(errorsPage.QuerySelector("input[name=errors]")?.HasAttribute("checked"));
    }

    [Fact]
    public async Task PagesFollowEachOtherByKeysetWithoutGapsOrRepeatsAndKeepTheFilters()
    {
        var project = await ProjectAsync();
        var now = DateTimeOffset.UtcNow;
        var expected = new List<(DateTimeOffset Start, Guid TraceId)>();
        // Groups of traces that started at the same moment: the keyset must break ties by trace id.
        for (var i = 0; i < 110; i++)
        {
            var start = now.AddMinutes(-(i / 4) - 1);
            var traceId = Guid.NewGuid();
            expected.Add((start, traceId));
            await WriteAsync(project, Span(traceId, $"batch-{i:000}", start));
        }

        await WriteAsync(project, Span(Guid.CreateVersion7(), "other", now.AddMinutes(-2)));

        var seen = new List<string>();
        var url = "?range=7d&name=batch";
        var pages = 0;
        while (url is not null)
        {
            var (page, rows) = await ListAsync(project, url.Contains('?') ? url[url.IndexOf('?')..] : url);
            seen.AddRange(rows.Select(r => r.Href[(r.Href.LastIndexOf('/') + 1)..]));
            Assert.All(rows, r => Assert.StartsWith("batch-", r.Name));
            url = Link(page, "Older traces");
            if (url is not null)
            {
                Assert.Contains("range=7d", url);
                Assert.Contains("name=batch", url);
            }

            if (pages > 0)
            {
                var newest = Link(page, "Newest");
                Assert.NotNull(newest);
                Assert.Contains("name=batch", newest);
                Assert.DoesNotContain("before=", newest);
            }

            pages++;
            Assert.True(pages <= 3, "110 traces fit in three pages of 50");
        }

        Assert.Equal(3, pages);
        var order = expected.OrderByDescending(e => e.Start).ThenByDescending(e => e.TraceId.ToString()).Select(e => e.TraceId.ToString()).ToList();
        Assert.Equal(order.Count, seen.Count);
        Assert.Equal(order.ToHashSet(), seen.ToHashSet());
        // Within a moment the database's trace-id order decides; across moments, newest first.
        Assert.Equal(
            expected.OrderByDescending(e => e.Start).Select(e => e.Start).ToList(),
            seen.Select(id => expected.Single(e => e.TraceId.ToString() == id).Start).ToList());
    }

    [Fact]
    public async Task TheChartCountsTracesAndTokensPerHourAndPerDay()
    {
        var project = await ProjectAsync();
        var now = DateTimeOffset.UtcNow;
        var traces = new List<(DateTimeOffset Start, long Tokens)>
        {
            (now.AddMinutes(-10), 10), (now.AddMinutes(-11), 5), (now.AddHours(-3), 7), (now.AddDays(-2), 100), (now.AddDays(-6), 1),
        };
        foreach (var (start, tokens) in traces)
        {
            await WriteAsync(project, Span(Guid.CreateVersion7(), "chart", start, tokens: tokens));
        }

        await AssertChart(project, "", "Traces and tokens per hour", 25, "d MMM HH:00", TimeSpan.FromDays(1));
        await AssertChart(project, "?range=7d", "Traces and tokens per day", 8, "d MMM", TimeSpan.FromDays(7));

        async Task AssertChart(Project p, string query, string caption, int buckets, string format, TimeSpan window)
        {
            var (page, _) = await ListAsync(p, query);
            var figure = page.QuerySelector("figure");
            Assert.NotNull(figure);
            Assert.Equal(caption, figure.QuerySelector("figcaption")?.TextContent.Trim());
            var svg = figure.QuerySelector("svg[role=img]");
            Assert.NotNull(svg);
            Assert.StartsWith(caption, svg.QuerySelector("title")?.TextContent);
            Assert.Equal(buckets, svg.QuerySelectorAll("rect.chart-bar").Length);
            var table = figure.QuerySelectorAll("table tbody tr")
                .Select(tr => tr.QuerySelectorAll("th, td").Select(c => c.TextContent.Trim()).ToArray())
                .ToDictionary(cells => cells[0], cells => (Traces: long.Parse(cells[1], CultureInfo.InvariantCulture), Tokens: long.Parse(cells[2], CultureInfo.InvariantCulture)));
            Assert.Equal(buckets, table.Count);
            var expected = traces.Where(t => t.Start >= now - window)
                .GroupBy(t => t.Start.UtcDateTime.ToString(format, CultureInfo.InvariantCulture))
                .ToDictionary(g => g.Key, g => (Traces: (long)g.Count(), Tokens: g.Sum(t => t.Tokens)));
            foreach (var (label, counts) in table)
            {
                Assert.Equal(expected.GetValueOrDefault(label), counts);
            }

            Assert.All(expected.Keys, label => Assert.Contains(label, table.Keys));
        }
    }

    [Fact]
    public async Task AnotherProjectsTracesNeverAppearEvenWithItsKeyInTheUrl()
    {
        var mine = await ProjectAsync();
        var theirs = await ProjectAsync();
        await WriteAsync(mine, Span(Guid.CreateVersion7(), "my call", DateTimeOffset.UtcNow.AddMinutes(-3)));
        await WriteAsync(theirs, Span(Guid.CreateVersion7(), "their secret call", DateTimeOffset.UtcNow.AddMinutes(-2), tokens: 999));

        var (all, rows) = await ListAsync(mine);
        Assert.Equal(["my call"], Names(rows));
        var (byTheirKey, none) = await ListAsync(mine, $"?key={theirs.Keys[0].Summary.Id}");
        Assert.Empty(none);
        Assert.Contains("No traces match these filters.", byTheirKey.Body!.TextContent);
        Assert.DoesNotContain("their secret call", all.DocumentElement.OuterHtml + byTheirKey.DocumentElement.OuterHtml);
        Assert.DoesNotContain("999", all.QuerySelector("figure")!.TextContent);
        Assert.Equal(HttpStatusCode.NotFound, (await mine.Browser.Http.GetAsync($"/projects/{theirs.Id}/traces")).StatusCode);
    }

    [Theory]
    [InlineData("?range=custom&from=2026-13-45", "From is not a date.")]
    [InlineData("?range=custom&from=2026-03-10&to=yesterday", "To is not a date.")]
    [InlineData("?range=custom&from=2026-03-10&to=2026-03-01", "From must be before To.")]
    [InlineData("?range=custom", "Enter a From date for a custom time range.")]
    [InlineData("?range=custom&from=1990-01-01&to=2026-01-01", "Choose a custom time range of at most 366 days.")]
    public async Task ACustomRangeThePageCannotUseGetsAMessageNotAnError(string query, string message)
    {
        var project = await ProjectAsync();
        await WriteAsync(project, Span(Guid.CreateVersion7(), "call", DateTimeOffset.UtcNow.AddMinutes(-1)));

        var (page, rows) = await ListAsync(project, query);

        Assert.StartsWith(message, page.QuerySelector("[role=alert]")?.TextContent.Trim());
        Assert.Empty(rows);
        Assert.Equal("custom", page.QuerySelector("#filter-range option[selected]")?.GetAttribute("value"));
    }
}

public sealed class TracesPageOnEmbeddedStorage(EmbeddedDashboardAppFixture fixture)
    : TracesPageTests(fixture), IClassFixture<EmbeddedDashboardAppFixture>;

public sealed class TracesPageOnPostgres(PostgresDashboardAppFixture fixture)
    : TracesPageTests(fixture), IClassFixture<PostgresDashboardAppFixture>
{
    [Fact]
    public async Task ConcurrentBatchesOfTheSameTracesNeitherDeadlockNorLoseCounts()
    {
        var project = await ProjectAsync();
        var start = DateTimeOffset.UtcNow.AddMinutes(-1);
        var traceIds = Enumerable.Range(0, 12).Select(_ => Guid.CreateVersion7()).ToArray();
        await using var sink = new PostgresTraceSink(Fixture.App.Storage.ConnectionString);

        // Eight writers, each sending its own spans of the same twelve traces in its own order,
        // and resending some: every batch updates the same summary rows.
        var writers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            var random = new Random(w);
            var sent = new List<TraceRecord>();
            for (var batch = 0; batch < 15; batch++)
            {
                var records = traceIds.OrderBy(_ => random.Next())
                    .Select(id => new TraceRecord(project.Id, project.Keys[0].Summary.Id, DateTimeOffset.UtcNow, Span(id, "span", start, tokens: 1)))
                    .ToList();
                sent.AddRange(records);
                records.AddRange(sent.OrderBy(_ => random.Next()).Take(3));
                await sink.WriteAsync(records, CancellationToken.None);
            }
        })).ToArray();
        await Task.WhenAll(writers).WaitAsync(TimeSpan.FromMinutes(2));

        var reader = Fixture.App.Services.GetRequiredService<TraceReader>();
        var (rows, _) = await reader.ListTracesAsync(project.Id, new TraceListFilter(start.AddHours(-1), start.AddHours(1)), null, 50, CancellationToken.None);
        Assert.Equal(traceIds.ToHashSet(), rows.Select(r => r.TraceId).ToHashSet());
        Assert.All(rows, r => Assert.Equal((8 * 15, 8L * 15), (r.SpanCount, r.TotalTokens)));
        var stored = await Fixture.App.Storage.QueryColumnAsync("SELECT count(*) FROM traces WHERE project_id = @p", ("p", project.Id));
        Assert.Equal(12L * 8 * 15, Convert.ToInt64(stored.Single(), CultureInfo.InvariantCulture));
    }
}
