using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Mentiora.Grains.Projects;
using Mentiora.Tests.Infrastructure;
using Mentiora.Web.Storage;

namespace Mentiora.Tests.Web;

/// <summary>
/// The background retention: each project loses the traces that started longer ago than its Keep
/// traces for, whole (spans and summary), in batches, on both storages; on PostgreSQL the daily
/// partitions are made ahead and dropped once every project has passed them.
/// </summary>
public abstract class TraceRetentionTests(TraceRetentionAppFixture fixture) : LeakCheckedTests(fixture.App)
{
    private TestStorage Storage => fixture.App.Storage;

    private async Task<(Guid ProjectId, string Key)> ProjectKeepingAsync(int? days)
    {
        var project = await fixture.App.NewProjectAsync();
        if (days is { } chosen)
        {
            Assert.Equal(TraceRetentionOutcome.Changed, await project.SetTraceRetention(MentioraApp.Owner, chosen));
        }

        var created = await project.CreateApiKey(MentioraApp.Owner, "Production");
        return (project.GetPrimaryKey(), new RevealedApiKey(created.Created!).Key);
    }

    // One trace of the given number of spans (a root and its children) that started at the given time.
    private async Task<Guid> SendTraceAsync(string key, DateTimeOffset start, int spans = 1, string name = "chat.completions.create")
    {
        var root = TraceEvents.Valid();
        var traceId = (string)root["trace_id"]!;
        for (var i = 0; i < spans; i++)
        {
            var span = i == 0 ? root : TraceEvents.Valid();
            span["trace_id"] = traceId;
            span["parent_span_id"] = i == 0 ? null : (string)root["span_id"]!;
            span["name"] = name;
            span["start_time"] = Time(start.AddSeconds(i));
            span["end_time"] = Time(start.AddSeconds(i + 1));
            var response = await fixture.Http.SendAsync(TraceEvents.Post(span, key));
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        return Guid.Parse(traceId);
    }

    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private object Id(Guid id) => Storage.Mode == StorageMode.Postgres ? id : id.ToString();

    private async Task<HashSet<Guid>> TraceIdsAsync(string table, Guid projectId) =>
        (await Storage.QueryColumnAsync($"SELECT DISTINCT trace_id FROM {table} WHERE project_id = @p", ("p", Id(projectId))))
        .Select(v => v is Guid g ? g : Guid.Parse((string)v!)).ToHashSet();

    private async Task<long> SpanCountAsync(Guid projectId) =>
        Convert.ToInt64((await Storage.QueryColumnAsync("SELECT count(*) FROM traces WHERE project_id = @p", ("p", Id(projectId))))[0], CultureInfo.InvariantCulture);

    [Fact]
    public async Task AProjectKeepingSevenDaysLosesWholeTracesStartedEightDaysAgoInBatchesWhileAnotherKeepingNinetyKeepsThemAll()
    {
        var (weekly, weeklyKey) = await ProjectKeepingAsync(7);
        var (quarterly, quarterlyKey) = await ProjectKeepingAsync(null);
        var now = fixture.Clock.GetUtcNow();
        const string unmistakableName = "summarize-contract-for-acme-retention";

        // Five old traces (one of three spans), more than two batches of two.
        var weeklyOld = new List<Guid> { await SendTraceAsync(weeklyKey, now.AddDays(-8), spans: 3, name: unmistakableName) };
        for (var i = 0; i < 4; i++)
        {
            weeklyOld.Add(await SendTraceAsync(weeklyKey, now.AddDays(-8).AddMinutes(i)));
        }

        var weeklyRecent = new[] { await SendTraceAsync(weeklyKey, now.AddDays(-6), spans: 2), await SendTraceAsync(weeklyKey, now.AddDays(-6).AddHours(1)) };
        var quarterlyTraces = new[] { await SendTraceAsync(quarterlyKey, now.AddDays(-8)), await SendTraceAsync(quarterlyKey, now.AddDays(-6)) };
        await TraceSummaryBackfill.RunAsync(Storage);
        Assert.Equal(10, await SpanCountAsync(weekly));

        var sweep = await fixture.Sweeper.SweepAsync(CancellationToken.None);

        Assert.True(sweep.Ran);
        Assert.Equal(weeklyRecent.ToHashSet(), await TraceIdsAsync("traces", weekly));
        Assert.Equal(weeklyRecent.ToHashSet(), await TraceIdsAsync("trace_summaries", weekly));
        Assert.Equal(3, await SpanCountAsync(weekly));
        Assert.Equal(quarterlyTraces.ToHashSet(), await TraceIdsAsync("traces", quarterly));
        Assert.Equal(quarterlyTraces.ToHashSet(), await TraceIdsAsync("trace_summaries", quarterly));

        // One line per project with its counts, and nothing of what the traces held.
        var lines = fixture.App.Logs.GetSnapshot().Select(r => r.Message).ToList();
        Assert.Contains(lines, l => l.Contains($"project {weekly} keeps 7 days; removed 5 traces (7 spans)", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains(unmistakableName, StringComparison.Ordinal) || weeklyOld.Any(id => l.Contains(id.ToString(), StringComparison.Ordinal)));

        // Two days later the six-day-old traces are eight days old: they go too, the other project's stay.
        fixture.Clock.Advance(TimeSpan.FromDays(2));
        await fixture.Sweeper.SweepAsync(CancellationToken.None);

        Assert.Empty(await TraceIdsAsync("traces", weekly));
        Assert.Empty(await TraceIdsAsync("trace_summaries", weekly));
        Assert.Equal(quarterlyTraces.ToHashSet(), await TraceIdsAsync("traces", quarterly));
    }

    [Fact]
    public async Task TheSweepReadsEachProjectsRetentionFromItsGrainAndAProjectThatDoesNotExistGetsTheDefault()
    {
        var (projectId, _) = await ProjectKeepingAsync(30);
        var retention = fixture.App.Grains.GetGrain<ITraceRetentionGrain>(projectId);

        Assert.Equal(30, await retention.GetTraceRetentionDays());
        Assert.Equal(TraceRetention.DefaultDays, await fixture.App.Grains.GetGrain<ITraceRetentionGrain>(Guid.NewGuid()).GetTraceRetentionDays());
    }
}

public sealed class TraceRetentionOnEmbeddedStorage(EmbeddedTraceRetentionAppFixture fixture)
    : TraceRetentionTests(fixture), IClassFixture<EmbeddedTraceRetentionAppFixture>;

public sealed class TraceRetentionOnPostgres(PostgresTraceRetentionAppFixture fixture)
    : TraceRetentionTests(fixture), IClassFixture<PostgresTraceRetentionAppFixture>
{
    private async Task<List<string>> DailyPartitionsAsync() =>
        (await fixture.App.Storage.QueryColumnAsync(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'traces'::regclass ORDER BY c.relname"))
        .Cast<string>().ToList();

    private static string PartitionOf(DateOnly day) => $"traces_p{day:yyyyMMdd}";

    [Fact]
    public async Task TheNextSevenDaysHavePartitionsAndADayOlderThanEveryProjectsRetentionIsDroppedWithItsRows()
    {
        var today = DateOnly.FromDateTime(fixture.Clock.GetUtcNow().UtcDateTime);
        var longAgo = today.AddDays(-(TraceRetention.LongestDays + 10));
        var lastMonth = today.AddDays(-30);
        await fixture.App.Storage.QueryColumnAsync("SELECT mentiora_add_trace_partition(@d)", ("d", longAgo));
        await fixture.App.Storage.QueryColumnAsync("SELECT mentiora_add_trace_partition(@d)", ("d", lastMonth));
        // A span in the old day that no summary names: only dropping the day removes it.
        await fixture.App.Storage.QueryColumnAsync(
            "INSERT INTO traces (project_id, key_id, received_at, trace_id, span_id, name, type, start_time, event) " +
            "VALUES (gen_random_uuid(), gen_random_uuid(), now(), gen_random_uuid(), gen_random_uuid(), 'old', 'llm', @start, '{}') RETURNING id",
            ("start", new DateTimeOffset(longAgo.ToDateTime(new TimeOnly(12, 0)), TimeSpan.Zero)));
        Assert.Contains(PartitionOf(longAgo), await DailyPartitionsAsync());

        var sweep = await fixture.Sweeper.SweepAsync(CancellationToken.None);

        var partitions = await DailyPartitionsAsync();
        Assert.DoesNotContain(PartitionOf(longAgo), partitions);
        Assert.Contains(PartitionOf(lastMonth), partitions);
        Assert.All(Enumerable.Range(0, 8), ahead => Assert.Contains(PartitionOf(today.AddDays(ahead)), partitions));
        Assert.Contains("traces_default", partitions);
        Assert.True(sweep.PartitionsDropped >= 1);
        Assert.Empty(await fixture.App.Storage.QueryColumnAsync("SELECT id FROM traces WHERE name = 'old'"));
    }

    [Fact]
    public async Task AnotherSiloAlreadySweepingMakesThisOneSkipItsTurn()
    {
        // The sweep's own lock, held here as another silo's sweep would hold it.
        await using var connection = (Npgsql.NpgsqlConnection)await fixture.App.Storage.OpenAsync();
        await using (var take = new Npgsql.NpgsqlCommand($"SELECT pg_advisory_lock({Mentiora.Web.Traces.TraceRetentionSweeper.SweepLockKey})", connection))
        {
            await take.ExecuteNonQueryAsync();
        }

        var skipped = await fixture.Sweeper.SweepAsync(CancellationToken.None);

        Assert.False(skipped.Ran);
        await using (var release = new Npgsql.NpgsqlCommand($"SELECT pg_advisory_unlock({Mentiora.Web.Traces.TraceRetentionSweeper.SweepLockKey})", connection))
        {
            await release.ExecuteNonQueryAsync();
        }

        Assert.True((await fixture.Sweeper.SweepAsync(CancellationToken.None)).Ran);
    }
}
