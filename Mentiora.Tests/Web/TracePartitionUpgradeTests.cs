using System.Globalization;
using Mentiora.Tests.Infrastructure;
using Mentiora.Web.Storage;
using Mentiora.Web.Traces;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Mentiora.Tests.Web;

/// <summary>
/// A PostgreSQL database from before daily partitions, with spans over several days, is upgraded
/// without losing or changing a row, and keeps storing each span once.
/// </summary>
public sealed class TracePartitionUpgradeTests
{
    private const int PartitionsFromVersion = 9;

    private const string Snapshot =
        "SELECT id, project_id, key_id, received_at, trace_id, span_id, parent_span_id, thread_id, name, type, start_time, end_time, duration_ms, " +
        "model, provider, prompt_tokens, completion_tokens, total_tokens, array_to_string(tags, ','), event::text, end_user_id, end_user_name, " +
        "end_user_email, has_error FROM traces ORDER BY id";

    [Fact]
    public async Task SpansOverSeveralDaysKeepTheirIdsAndContentsLandInTheirDaysPartitionsAndAResentSpanIsStillStoredOnce()
    {
        var storage = await TestStorage.NewPostgresAsync();
        await ApplyScriptsBeforePartitionsAsync(storage);
        var now = DateTimeOffset.UtcNow;
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var projectId = Guid.NewGuid();
        var starts = new List<DateTimeOffset>
        {
            now.AddDays(-3), now.AddDays(-3).AddHours(-2), now.AddDays(-2), now.AddDays(-1), now,
            new(2020, 1, 1, 12, 0, 0, TimeSpan.Zero), // far in the past: before the daily partitions
            now.AddDays(3), // soon: within the partitions made ahead
            now.AddDays(40), // far ahead: the default partition until its day is near
        };
        var spans = new List<(Guid TraceId, Guid SpanId, DateTimeOffset Start)>();
        await using (var connection = new NpgsqlConnection(storage.ConnectionString))
        {
            await connection.OpenAsync();
            foreach (var start in starts)
            {
                var span = (Guid.CreateVersion7(), Guid.CreateVersion7(), start);
                spans.Add(span);
                await using var insert = new NpgsqlCommand(
                    "INSERT INTO traces (project_id, key_id, received_at, trace_id, span_id, name, type, start_time, end_time, duration_ms, " +
                    "total_tokens, tags, event, end_user_id, has_error) " +
                    "VALUES (@p, @k, now(), @t, @s, 'chat', 'llm', @start, @start + interval '1 second', 1000, 15, '{production,geography}', " +
                    "'{\"name\": \"chat\", \"unknown\": [1, 2]}', 'user-1', @error)", connection);
                insert.Parameters.AddWithValue("p", projectId);
                insert.Parameters.AddWithValue("k", Guid.NewGuid());
                insert.Parameters.AddWithValue("t", span.Item1);
                insert.Parameters.AddWithValue("s", span.Item2);
                insert.Parameters.AddWithValue("start", start);
                insert.Parameters.AddWithValue("error", spans.Count % 3 == 0);
                await insert.ExecuteNonQueryAsync();
            }
        }

        var before = await RowsAsync(storage);
        var highestId = before.Max(r => Convert.ToInt64(r[0], CultureInfo.InvariantCulture));

        await DatabaseSchema.ApplyAsync(Settings(storage), NullLogger.Instance);

        Assert.Equal(before, await RowsAsync(storage));
        Assert.Equal("p", (await storage.QueryColumnAsync("SELECT relkind::text FROM pg_class WHERE relname = 'traces'"))[0]);
        var partitionOf = (await storage.QueryColumnAsync("SELECT span_id::text || ' ' || tableoid::regclass::text FROM traces"))
            .Cast<string>().Select(s => s.Split(' ')).ToDictionary(p => Guid.Parse(p[0]), p => p[1]);
        foreach (var (_, spanId, start) in spans)
        {
            var day = DateOnly.FromDateTime(start.UtcDateTime);
            var expected = day >= today.AddDays(-400) && day <= today.AddDays(7) ? $"traces_p{day:yyyyMMdd}" : "traces_default";
            Assert.Equal(expected, partitionOf[spanId]);
        }

        var partitions = (await storage.QueryColumnAsync("SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'traces'::regclass"))
            .Cast<string>().ToHashSet();
        Assert.All(Enumerable.Range(0, 8), ahead => Assert.Contains($"traces_p{today.AddDays(ahead):yyyyMMdd}", partitions));
        var indexes = (await storage.QueryColumnAsync("SELECT indexname FROM pg_indexes WHERE tablename = 'traces'")).Cast<string>().ToHashSet();
        Assert.Superset(new HashSet<string> { "traces_pkey", "traces_one_row_per_span" }, indexes);
        Assert.DoesNotContain("traces_by_project_newest", indexes);
        Assert.DoesNotContain("traces_by_project_end_user", indexes);

        // The app's sink: the same span again is skipped, a new one gets an id above every old one.
        await using var sink = new PostgresTraceSink(storage.ConnectionString);
        var (resentTrace, resentSpan, resentStart) = spans[2];
        var newTrace = Guid.CreateVersion7();
        await sink.WriteAsync([Record(projectId, resentTrace, resentSpan, resentStart), Record(projectId, newTrace, Guid.CreateVersion7(), now)], CancellationToken.None);

        Assert.Single(await storage.QueryColumnAsync("SELECT id FROM traces WHERE span_id = @s", ("s", resentSpan)));
        var newId = Convert.ToInt64((await storage.QueryColumnAsync("SELECT id FROM traces WHERE trace_id = @t", ("t", newTrace))).Single(), CultureInfo.InvariantCulture);
        Assert.True(newId > highestId, $"the new span's id {newId} continues above the old highest {highestId}");
        Assert.Equal(before.Count + 1, (await RowsAsync(storage)).Count);
    }

    private static TraceRecord Record(Guid projectId, Guid traceId, Guid spanId, DateTimeOffset start) =>
        new(projectId, Guid.NewGuid(), DateTimeOffset.UtcNow,
            new TraceEvent(traceId, spanId, null, null, "chat", "llm", start, start.AddSeconds(1), 1000, null, null, null, null, 15, ["production"], "{\"name\":\"chat\"}"));

    private static async Task<List<object?[]>> RowsAsync(TestStorage storage)
    {
        await using var connection = new NpgsqlConnection(storage.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(Snapshot, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<object?[]>();
        while (await reader.ReadAsync())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }

    // As a database that last ran the version before partitions: every earlier script, recorded as applied.
    private static async Task ApplyScriptsBeforePartitionsAsync(TestStorage storage)
    {
        await using var connection = new NpgsqlConnection(storage.ConnectionString);
        await connection.OpenAsync();
        await using (var history = new NpgsqlCommand(
            "CREATE TABLE IF NOT EXISTS mentiora_schema_history (version integer PRIMARY KEY, script text NOT NULL, applied_at text NOT NULL)", connection))
        {
            await history.ExecuteNonQueryAsync();
        }

        foreach (var (version, name, sql) in DatabaseSchema.Scripts(StorageMode.Postgres).Where(s => s.Version < PartitionsFromVersion))
        {
            await using var transaction = await connection.BeginTransactionAsync();
            await using (var script = new NpgsqlCommand(sql, connection, transaction))
            {
                await script.ExecuteNonQueryAsync();
            }

            await using (var record = new NpgsqlCommand("INSERT INTO mentiora_schema_history VALUES (@v, @n, @at)", connection, transaction))
            {
                record.Parameters.AddWithValue("v", version);
                record.Parameters.AddWithValue("n", name);
                record.Parameters.AddWithValue("at", DateTimeOffset.UtcNow.ToString("O"));
                await record.ExecuteNonQueryAsync();
            }

            await transaction.CommitAsync();
        }
    }

    private static StorageSettings Settings(TestStorage storage) =>
        StorageSettings.FromConfiguration(
            new ConfigurationBuilder().AddInMemoryCollection([new(storage.SettingKey, storage.SettingValue)]).Build(),
            Path.GetTempPath());
}
