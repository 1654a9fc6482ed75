using Npgsql;

namespace Mentiora.Bench.Checking;

/// <summary>Counts `traces` rows in PostgreSQL.</summary>
public sealed class PostgresRowCounter(string connectionString) : IRowCounter
{
    public async Task<long> CountAsync()
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM traces", connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }
}
