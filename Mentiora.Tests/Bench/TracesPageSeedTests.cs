using Mentiora.Bench.Dashboard;
using Mentiora.Bench.TracesPage;
using Mentiora.Tests.Infrastructure;
using Npgsql;

namespace Mentiora.Tests.Bench;

/// <summary>
/// The traces-page benchmark measures pages over spans it copies into the database itself; they must be the rows the
/// trace writer would have stored, or the pages would be timed over data they never see.
/// </summary>
public sealed class TracesPageSeedTests
{
    [Fact]
    public async Task TheSeededSpansAndSummariesAreTheRowsTheWriterAndTheSummaryFillWouldHaveStored()
    {
        await using var app = new MentioraApp(await TestStorage.NewPostgresAsync());
        var client = app.Start();
        using var pages = new HtmlPages(client.BaseAddress!);
        var project = await DashboardKeyMaker.CreateProjectAsync(pages);

        var seed = await SpanSeeder.SeedAsync(app.Storage.ConnectionString, project.ProjectId, project.KeyId, 3_000, otherProjects: 2, _ => { });

        Assert.Equal(3_000, seed.Spans);
        await using var connection = new NpgsqlConnection(app.Storage.ConnectionString);
        await connection.OpenAsync();
        Assert.Equal(3_000L, await ScalarAsync<long>(connection, "SELECT count(*) FROM traces"));
        Assert.Equal((long)seed.Traces, await ScalarAsync<long>(connection, "SELECT count(*) FROM trace_summaries"));
        Assert.Equal(3L, await ScalarAsync<long>(connection, "SELECT count(DISTINCT project_id) FROM trace_summaries"));

        // The summaries are exactly what the schema's own fill computes from the spans.
        var fill = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "Mentiora.Web", "Storage", "Schema", "Postgres", "008_trace_summaries.sql"));
        var computed = fill[fill.IndexOf("SELECT project_id,", StringComparison.Ordinal)..].TrimEnd().TrimEnd(';');
        Assert.Equal(0L, await ScalarAsync<long>(connection,
            $"SELECT count(*) FROM (((SELECT * FROM trace_summaries) EXCEPT ({computed})) UNION ALL (({computed}) EXCEPT (SELECT * FROM trace_summaries))) AS different"));

        // has_error as the writer decides it, and some of each.
        Assert.Equal(0L, await ScalarAsync<long>(connection,
            "SELECT count(*) FROM traces WHERE has_error <> (type = 'error' OR coalesce(json_typeof(event -> 'error'), 'null') <> 'null')"));
        Assert.InRange(await ScalarAsync<long>(connection, "SELECT count(*) FROM trace_summaries WHERE has_error"), 1, seed.Traces / 5);

        // The event is the span as sent: its ids are the columns'.
        Assert.Equal(0L, await ScalarAsync<long>(connection,
            "SELECT count(*) FROM traces WHERE event ->> 'trace_id' <> trace_id::text OR event ->> 'span_id' <> span_id::text OR event ->> 'name' <> name"));

        // Traces of 1 to 30 spans, nested (every parent is a span of the same trace, some two levels down), over 30 days.
        Assert.Equal(0L, await ScalarAsync<long>(connection, "SELECT count(*) FROM trace_summaries WHERE span_count NOT BETWEEN 1 AND 30"));
        Assert.Equal(0L, await ScalarAsync<long>(connection,
            "SELECT count(*) FROM traces child WHERE parent_span_id IS NOT NULL AND NOT EXISTS " +
            "(SELECT 1 FROM traces parent WHERE parent.project_id = child.project_id AND parent.trace_id = child.trace_id AND parent.span_id = child.parent_span_id)"));
        Assert.True(await ScalarAsync<long>(connection,
            "SELECT count(*) FROM traces child JOIN traces parent ON parent.trace_id = child.trace_id AND parent.span_id = child.parent_span_id " +
            "WHERE parent.parent_span_id IS NOT NULL") > 0, "some spans are grandchildren of the root");
        Assert.True(await ScalarAsync<bool>(connection,
            "SELECT min(start_time) > now() - interval '30 days 1 minute' AND max(start_time) - min(start_time) > interval '25 days' AND max(end_time) < now() FROM traces"),
            "spread over the last 30 days, none in the future");
        Assert.True(await ScalarAsync<long>(connection, "SELECT count(*) FROM trace_summaries WHERE thread_id IS NOT NULL") > 0, "some traces are in a conversation");
        Assert.True(await ScalarAsync<long>(connection, "SELECT count(*) FROM trace_summaries WHERE end_user_id IS NOT NULL") > 0, "some traces have an end user");
        Assert.True(await ScalarAsync<long>(connection, "SELECT sum(total_tokens)::bigint FROM trace_summaries") > 0, "spans used tokens");

        // The traces it names for the trace page are the project's, the largest with 30 spans.
        Assert.Equal(30, await ScalarAsync<int>(connection,
            $"SELECT span_count FROM trace_summaries WHERE project_id = '{project.ProjectId}' AND trace_id = '{seed.LargestTraceId}'"));
        Assert.Equal(SpanSeeder.TypicalSpanCount, await ScalarAsync<int>(connection,
            $"SELECT span_count FROM trace_summaries WHERE project_id = '{project.ProjectId}' AND trace_id = '{seed.TypicalTraceId}'"));
        Assert.Equal((long)seed.ProjectTraces, await ScalarAsync<long>(connection,
            $"SELECT count(*) FROM trace_summaries WHERE project_id = '{project.ProjectId}' AND key_id = '{project.KeyId}'"));

        // And the project's owner sees them on the Traces page.
        var (status, list) = await pages.FetchAsync($"/projects/{project.ProjectId}/traces");
        Assert.Equal(System.Net.HttpStatusCode.OK, status);
        Assert.Contains(SpanSeeder.RootNames, name => list.Contains(name, StringComparison.Ordinal));
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
