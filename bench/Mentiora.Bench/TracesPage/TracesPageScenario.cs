using System.Diagnostics;
using System.Globalization;
using System.Net;
using Mentiora.Bench.Checking;
using Mentiora.Bench.Dashboard;
using Mentiora.Bench.Options;
using Mentiora.Bench.Output;
using Mentiora.Bench.Targets;
using Npgsql;

namespace Mentiora.Bench.TracesPage;

/// <summary>
/// The traces-page scenario: one silo on a throwaway PostgreSQL holding millions of spans (seeded with binary COPY),
/// and the latency of the pages people open on it, one request at a time: the Traces list unfiltered, filtered, by
/// name prefix, and the trace page of a typical and of the largest trace, against bare Kestrel serving as many bytes.
/// </summary>
public static class TracesPageScenario
{
    /// <summary>What a page may take at p95, sequentially, with 10 million spans stored.</summary>
    public const double TargetP95Ms = 100;

    // The other projects whose spans share the tables (every other trace is the measured project's).
    private const int OtherProjects = 4;

    // The name prefix measured: one root name in eight starts with it.
    private const string NamePrefix = "rag";

    public static async Task<TracesPageResult> RunAsync(BenchOptions options, Measuring.BenchFiles files, string logs, string work, BareKestrel bare, List<string> failures)
    {
        var (server, connectionString, _) = await BenchPostgres.StartAsync(Path.Combine(work, "traces-page-postgres"));
        await using (server)
        {
            await using var app = await SingleApp.StartAsync(files, logs, "traces-page", connectionString, new PostgresRowCounter(connectionString), new Dictionary<string, string>());
            using var pages = new HtmlPages(app.Target.Url);
            var project = await DashboardKeyMaker.CreateProjectAsync(pages);

            Progress.Say(string.Create(CultureInfo.InvariantCulture, $"traces-page: seeding {options.Spans:#,0} spans with binary COPY (project {project.ProjectId} and {OtherProjects} others)"));
            var seed = await SpanSeeder.SeedAsync(connectionString, project.ProjectId, project.KeyId, options.Spans, OtherProjects, Progress.Say);
            Progress.Say(string.Create(CultureInfo.InvariantCulture,
                $"traces-page: seeded {seed.Spans:#,0} spans in {seed.Traces:#,0} traces ({seed.ProjectTraces:#,0} of the project) in {seed.Took.TotalSeconds:0.0} s: {seed.Spans / seed.Took.TotalSeconds:#,0} spans/s"));
            var vacuum = await VacuumAnalyzeAsync(connectionString);
            Progress.Say($"traces-page: VACUUM (ANALYZE) of traces and trace_summaries took {vacuum.TotalSeconds:0.0} s");

            var traces = $"/projects/{project.ProjectId}/traces";
            var measured = new List<PageTiming>
            {
                await TimeAsync(pages.FetchAsync, "list, no filter", traces, options.PageRequests, failures),
                await TimeAsync(pages.FetchAsync, "list, last 7 days, errors only", $"{traces}?range=7d&errors=true", options.PageRequests, failures),
                await TimeAsync(pages.FetchAsync, $"list, name prefix \"{NamePrefix}\"", $"{traces}?name={NamePrefix}", options.PageRequests, failures),
            };
            // A seed too small to size a typical and a largest trace has none to open (an empty id would time the list again).
            if (seed.TypicalTraceId is { } typical && seed.LargestTraceId is { } largest)
            {
                measured.Add(await TimeAsync(pages.FetchAsync, $"trace, typical ({SpanSeeder.TypicalSpanCount} spans)", $"{traces}/{typical}", options.PageRequests, failures));
                measured.Add(await TimeAsync(pages.FetchAsync, "trace, largest (30 spans)", $"{traces}/{largest}", options.PageRequests, failures));
            }
            else
            {
                failures.Add($"traces-page: {seed.Spans} spans are too few to pick a typical and a largest trace; the trace page was not measured");
            }

            CheckListShowsSeededTraces(measured[0], await pages.FetchAsync(traces), failures);

            // The floor: bare Kestrel answering a GET with as many bytes as the unfiltered list, one request at a time.
            PageTiming? floor = null;
            if (measured[0].Bytes > 0)
            {
                using var http = new HttpClient { BaseAddress = bare.Url };
                floor = await TimeAsync(async path =>
                {
                    using var response = await http.GetAsync(path);
                    return (response.StatusCode, await response.Content.ReadAsStringAsync());
                }, "bare Kestrel, same bytes", $"/page?bytes={measured[0].Bytes}", options.PageRequests, failures);
            }

            foreach (var page in measured.Append(floor).OfType<PageTiming>())
            {
                Progress.Say(string.Create(CultureInfo.InvariantCulture,
                    $"traces-page: {page.Page}: {(page.P50Ms is null ? $"not measured (answered {page.Status})" : $"p50 {page.P50Ms:0.0} ms, p95 {page.P95Ms:0.0} ms, p99 {page.P99Ms:0.0} ms, {page.Bytes:#,0} bytes")}"));
            }

            return new TracesPageResult(seed, vacuum, measured, floor);
        }
    }

    // A page that is not 200 (a 404 where a page is missing in this build) is an error, never a fast number.
    private static async Task<PageTiming> TimeAsync(Func<string, Task<(HttpStatusCode Status, string Body)>> fetch, string page, string path,
        int requests, List<string> failures)
    {
        var warmUp = Math.Max(requests / 10, 1);
        var (status, body) = await fetch(path);
        if (status != HttpStatusCode.OK)
        {
            var what = status == HttpStatusCode.NotFound ? " (no such page in this build, or no such trace)" : string.Empty;
            failures.Add($"traces-page: {page}: GET {path} answered {(int)status}{what}");
            return new PageTiming(page, path, (int)status, body.Length, 0, null, null, null);
        }

        for (var i = 1; i < warmUp; i++)
        {
            await fetch(path);
        }

        var times = new double[requests];
        var statuses = new HashSet<HttpStatusCode>();
        for (var i = 0; i < requests; i++)
        {
            var clock = Stopwatch.StartNew();
            var (answer, _) = await fetch(path);
            times[i] = clock.Elapsed.TotalMilliseconds;
            statuses.Add(answer);
        }

        if (statuses.Count != 1 || !statuses.Contains(HttpStatusCode.OK))
        {
            failures.Add($"traces-page: {page}: GET {path} answered {string.Join(", ", statuses.Select(s => (int)s))} while timed");
        }

        Array.Sort(times);
        return new PageTiming(page, path, statuses.Count == 1 ? (int)statuses.Single() : null, body.Length, requests,
            Percentile(times, 50), Percentile(times, 95), Percentile(times, 99));
    }

    // The list must show the seeded traces, or its speed would be an empty page's.
    private static void CheckListShowsSeededTraces(PageTiming list, (HttpStatusCode Status, string Body) answer, List<string> failures)
    {
        if (answer.Status == HttpStatusCode.OK && !SpanSeeder.RootNames.Any(name => answer.Body.Contains(name, StringComparison.Ordinal)))
        {
            failures.Add($"traces-page: {list.Page}: GET {list.Path} shows none of the seeded traces");
        }
    }

    // Nearest rank: the smallest time that at least p% of the requests took no longer than.
    private static double Percentile(double[] sorted, int p) => sorted[Math.Max((int)Math.Ceiling(p / 100.0 * sorted.Length) - 1, 0)];

    // A table in service has been vacuumed and analyzed (visibility map, statistics); freshly copied rows have not.
    private static async Task<TimeSpan> VacuumAnalyzeAsync(string connectionString)
    {
        var clock = Stopwatch.StartNew();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("VACUUM (ANALYZE) traces, trace_summaries", connection) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync();
        return clock.Elapsed;
    }
}
