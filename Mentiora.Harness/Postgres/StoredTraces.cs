using Npgsql;

namespace Mentiora.Harness.Postgres;

/// <summary>Reads which traces a Mentiora database really holds, to compare with what was acknowledged (tests and the benchmark).</summary>
public static class StoredTraces
{
    /// <summary>The trace ids of every stored row.</summary>
    public static async Task<HashSet<Guid>> TraceIdsAsync(string connectionString) =>
        (await SpansAsync(connectionString)).Select(s => s.TraceId).ToHashSet();

    /// <summary>The (trace_id, span_id) of every stored row.</summary>
    public static async Task<HashSet<(Guid TraceId, Guid SpanId)>> SpansAsync(string connectionString)
    {
        var stored = new HashSet<(Guid, Guid)>();
        await foreach (var row in QueryAsync(connectionString, "SELECT trace_id, span_id FROM traces"))
        {
            stored.Add(row);
        }

        return stored;
    }

    /// <summary>Every (trace_id, span_id) stored more than once for one project: must always be none.</summary>
    public static async Task<List<(Guid TraceId, Guid SpanId)>> StoredTwiceAsync(string connectionString)
    {
        var twice = new List<(Guid, Guid)>();
        await foreach (var row in QueryAsync(connectionString,
            "SELECT trace_id, span_id FROM traces GROUP BY project_id, trace_id, span_id HAVING COUNT(*) > 1"))
        {
            twice.Add(row);
        }

        return twice;
    }

    private static async IAsyncEnumerable<(Guid, Guid)> QueryAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var query = new NpgsqlCommand(sql, connection);
        await using var reader = await query.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            yield return (reader.GetGuid(0), reader.GetGuid(1));
        }
    }
}
