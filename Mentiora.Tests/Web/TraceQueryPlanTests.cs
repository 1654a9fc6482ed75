using System.Text.Json;
using Mentiora.Tests.Infrastructure;
using Mentiora.Web.Storage;
using Mentiora.Web.Traces;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mentiora.Tests.Web;

/// <summary>
/// The trace page's and conversation page's queries on PostgreSQL, over many projects' spans:
/// their plans find the rows through an index and never read the whole traces table.
/// </summary>
public sealed class TraceQueryPlanTests : IAsyncLifetime
{
    // 200,000 spans: 20 projects, traces of 10 spans, conversations of 5 traces.
    private const string Seed = """
        INSERT INTO traces (project_id, key_id, received_at, trace_id, span_id, thread_id, name, type, start_time, duration_ms, event)
        SELECT ('00000000-0000-4000-8000-' || lpad(((g / 10) % 20)::text, 12, '0'))::uuid,
               '00000000-0000-4000-8000-000000000000'::uuid,
               now(),
               ('00000000-0000-4001-8000-' || lpad((g / 10)::text, 12, '0'))::uuid,
               gen_random_uuid(),
               ('00000000-0000-4002-8000-' || lpad((g / 50)::text, 12, '0'))::uuid,
               'span', 'llm', now() - g * interval '1 second', 10, '{"name":"span"}'
        FROM generate_series(1, 200000) g;
        ANALYZE traces;
        """;

    private static readonly Guid Project = Guid.Parse("00000000-0000-4000-8000-000000000002");
    private static readonly Guid Trace = Guid.Parse("00000000-0000-4001-8000-000000000042");
    private static readonly Guid Thread = Guid.Parse("00000000-0000-4002-8000-000000000008");

    private TestStorage _storage = null!;

    // The partitions of traces that hold the seeded spans. The empty ones (the days made ahead,
    // the default partition) may be read sequentially: there is nothing in them to read.
    private readonly HashSet<string> _populated = [];

    // Each partition has its own copy of an index on traces, under a name of its own: (copy, index).
    private readonly List<(string Copy, string Index)> _indexCopies = [];

    public async Task InitializeAsync()
    {
        _storage = await TestStorage.NewPostgresAsync();
        var settings = StorageSettings.FromConfiguration(
            new ConfigurationBuilder().AddInMemoryCollection([new(_storage.SettingKey, _storage.SettingValue)]).Build(), Path.GetTempPath());
        await DatabaseSchema.ApplyAsync(settings, NullLogger.Instance);
        await using var connection = await _storage.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = Seed;
        command.CommandTimeout = 300;
        await command.ExecuteNonQueryAsync();

        await using var partitions = connection.CreateCommand();
        partitions.CommandText = "SELECT DISTINCT tableoid::regclass::text FROM traces";
        await using var reader = await partitions.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            _populated.Add(reader.GetString(0));
        }

        await reader.DisposeAsync();
        await using var copies = connection.CreateCommand();
        copies.CommandText =
            "SELECT c.relname, p.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent WHERE p.relkind = 'I'";
        await using var copyReader = await copies.ExecuteReaderAsync();
        while (await copyReader.ReadAsync())
        {
            _indexCopies.Add((copyReader.GetString(0), copyReader.GetString(1)));
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<JsonElement> PlanAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = await _storage.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN (FORMAT JSON) " + sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }

        var json = (string)(await command.ExecuteScalarAsync())!;
        return JsonDocument.Parse(json).RootElement[0].GetProperty("Plan").Clone();
    }

    private static IEnumerable<JsonElement> Nodes(JsonElement node)
    {
        yield return node;
        if (node.TryGetProperty("Plans", out var children))
        {
            foreach (var child in children.EnumerateArray().SelectMany(Nodes))
            {
                yield return child;
            }
        }
    }

    private static string Describe(JsonElement plan) =>
        string.Join(" > ", Nodes(plan).Select(n => n.GetProperty("Node Type").GetString() + (n.TryGetProperty("Index Name", out var i) ? $" ({i.GetString()})" : string.Empty)));

    private bool ReadsRows(JsonElement node) =>
        Nodes(node).Any(n => n.TryGetProperty("Relation Name", out var relation) && _populated.Contains(relation.GetString()!));

    private void AssertReadsTracesByIndex(JsonElement plan, string? index = null)
    {
        var nodes = Nodes(plan).ToArray();
        Assert.True(_populated.Count > 0, "the seeded spans are in no partition");
        Assert.DoesNotContain(nodes, n => n.GetProperty("Node Type").GetString() == "Seq Scan" && ReadsRows(n));
        var scans = nodes.Where(n => n.TryGetProperty("Index Name", out _)).ToArray();
        Assert.True(scans.Length > 0, $"no index scan in {Describe(plan)}");
        if (index is not null)
        {
            Assert.Contains(scans, n => n.GetProperty("Index Name").GetString() is { } used && (used == index || _indexCopies.Contains((used, index))));
        }
    }

    [Fact]
    public async Task TheTracesSpansAreReadThroughAnIndexOfProjectAndTrace()
    {
        var plan = await PlanAsync(TraceSpanReader.SpansQuery, ("project", Project), ("trace", Trace), ("limit", 5001));

        AssertReadsTracesByIndex(plan);
    }

    [Fact]
    public async Task TheSelectedSpanIsReadThroughAnIndex()
    {
        var plan = await PlanAsync(TraceSpanReader.SpanQuery, ("project", Project), ("trace", Trace), ("span", Guid.NewGuid()));

        AssertReadsTracesByIndex(plan);
    }

    [Fact]
    public async Task AConversationsSpansAreReadThroughTheThreadIndexOfEachPartition()
    {
        var plan = await PlanAsync(TraceSpanReader.ConversationQuery, ("project", Project), ("thread", Thread), ("limit", 2001));

        AssertReadsTracesByIndex(plan, "traces_by_project_thread");
    }
}
