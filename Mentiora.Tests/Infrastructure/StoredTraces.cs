using Npgsql;

namespace Mentiora.Tests.Infrastructure;

/// <summary>Reads what a PostgreSQL database really holds, to compare with what was acknowledged.</summary>
public static class StoredTraces
{
    /// <summary>The trace ids of every stored row.</summary>
    public static async Task<HashSet<Guid>> TraceIdsAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var query = new NpgsqlCommand("SELECT trace_id FROM traces", connection);
        await using var reader = await query.ExecuteReaderAsync();
        var stored = new HashSet<Guid>();
        while (await reader.ReadAsync())
        {
            stored.Add(reader.GetGuid(0));
        }

        return stored;
    }
}
