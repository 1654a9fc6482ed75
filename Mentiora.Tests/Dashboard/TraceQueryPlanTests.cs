using System.Text.Json;
using Mentiora.Tests.Infrastructure;
using Mentiora.Web.Traces;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Mentiora.Tests.Dashboard;

/// <summary>
/// The plans PostgreSQL picks for the statements the Traces list and chart run, on a project with
/// a year of traces beside a smaller one: every shape reads an index, none scans the whole table.
/// </summary>
public sealed class TraceQueryPlanTests(PostgresDashboardAppFixture fixture) : LeakCheckedTests(fixture.App), IClassFixture<PostgresDashboardAppFixture>
{
    private static readonly Guid Big = Guid.NewGuid();
    private static readonly Guid Small = Guid.NewGuid();
    private static readonly Guid[] Keys = [Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid()];

    private static readonly SemaphoreSlim Seeding = new(1, 1);

    private static bool _seeded;

    private async Task SeedOnceAsync()
    {
        await Seeding.WaitAsync();
        try
        {
            if (!_seeded)
            {
                await SeedAsync();
                _seeded = true;
            }
        }
        finally
        {
            Seeding.Release();
        }
    }

    private async Task SeedAsync()
    {

        // 20,000 traces over a year (one every 26 minutes), nine in ten in the big project; one in
        // two hundred with an error; fifty names, four types, three keys, a thousand end users.
        await using var connection = (NpgsqlConnection)await fixture.App.Storage.OpenAsync();
        await using var seed = new NpgsqlCommand(
            """
            INSERT INTO trace_summaries (project_id, trace_id, start_time, end_time, span_count, total_tokens, has_error, root_span_id,
                                         name, type, key_id, end_user_id, end_user_name, thread_id, last_received_at)
            SELECT CASE WHEN i % 10 = 0 THEN @small ELSE @big END, gen_random_uuid(),
                   now() - i * interval '26 minutes', now() - i * interval '26 minutes' + interval '2 seconds',
                   3, i % 500, i % 200 = 0, gen_random_uuid(),
                   'call-' || (i % 50), (ARRAY['llm', 'tool', 'chat', 'custom'])[i % 4 + 1], (@keys::uuid[])[i % 3 + 1],
                   CASE WHEN i % 4 = 0 THEN NULL ELSE 'user-' || (i % 1000) END, NULL, NULL, now()
            FROM generate_series(1, 20000) AS i;
            ANALYZE trace_summaries;
            """, connection);
        seed.Parameters.AddWithValue("small", Small);
        seed.Parameters.AddWithValue("big", Big);
        seed.Parameters.AddWithValue("keys", Keys);
        await seed.ExecuteNonQueryAsync();
    }

    public static TheoryData<string> Shapes() =>
    [
        "last 24 hours", "last 30 days", "older page", "type", "key", "end user", "name prefix", "errors only", "errors only over 30 days",
        "every filter",
    ];

    private static TraceListFilter Filter(string shape)
    {
        var now = DateTimeOffset.UtcNow;
        var day = new TraceListFilter(now.AddDays(-1), now);
        var month = new TraceListFilter(now.AddDays(-30), now);
        return shape switch
        {
            "last 24 hours" or "older page" => day,
            "last 30 days" => month,
            "type" => month with { Type = "tool" },
            "key" => month with { KeyId = Keys[1] },
            "end user" => month with { EndUserId = "user-77" },
            "name prefix" => month with { NamePrefix = "call-7" },
            "errors only" => day with { ErrorsOnly = true },
            "errors only over 30 days" => month with { ErrorsOnly = true },
            "every filter" => month with { Type = "llm", KeyId = Keys[0], EndUserId = "user-8", NamePrefix = "call-", ErrorsOnly = true },
            _ => throw new ArgumentOutOfRangeException(nameof(shape)),
        };
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public async Task AListPageReadsAnIndexNotTheWholeTable(string shape)
    {
        await SeedOnceAsync();
        var reader = fixture.App.Services.GetRequiredService<TraceReader>();
        var cursor = shape == "older page" ? new TraceListCursor(DateTimeOffset.UtcNow.AddHours(-6), Guid.NewGuid()) : null;
        await using var command = reader.ListTracesCommand(Big, Filter(shape), cursor, 50);

        AssertReadsAnIndex(await PlanAsync(command));
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public async Task TheChartReadsAnIndexNotTheWholeTable(string shape)
    {
        await SeedOnceAsync();
        var reader = fixture.App.Services.GetRequiredService<TraceReader>();
        await using var command = reader.ChartCommand(Big, Filter(shape));

        AssertReadsAnIndex(await PlanAsync(command));
    }

    // The reader's own command (its data source opens the connection), with the same parameters, explained.
    private static async Task<JsonElement> PlanAsync(System.Data.Common.DbCommand command)
    {
        command.CommandText = "EXPLAIN (FORMAT JSON) " + command.CommandText;
        var json = (string)(await command.ExecuteScalarAsync())!;
        return JsonDocument.Parse(json).RootElement[0].GetProperty("Plan");
    }

    private static void AssertReadsAnIndex(JsonElement plan)
    {
        var nodes = new List<JsonElement>();
        void Walk(JsonElement node)
        {
            nodes.Add(node);
            if (node.TryGetProperty("Plans", out var children))
            {
                foreach (var child in children.EnumerateArray())
                {
                    Walk(child);
                }
            }
        }

        Walk(plan);
        var described = plan.ToString();
        Assert.False(nodes.Any(n => n.GetProperty("Node Type").GetString() == "Seq Scan"), $"a sequential scan in the plan: {described}");
        Assert.True(
            nodes.Any(n => n.TryGetProperty("Index Name", out var index) && index.GetString()!.StartsWith("trace_summaries", StringComparison.Ordinal)),
            $"no index of trace_summaries in the plan: {described}");
    }
}
