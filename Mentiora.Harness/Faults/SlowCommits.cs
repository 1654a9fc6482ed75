using Npgsql;

namespace Mentiora.Harness.Faults;

/// <summary>
/// Makes every insert statement into <c>traces</c> take a known extra time (a statement-level trigger that sleeps), so a
/// cluster's write capacity is small and set by the database rather than by how busy the machine is.
/// </summary>
public sealed class SlowCommits : IAsyncDisposable
{
    private const string Function = "mentiora_drill_slow_commit";
    private const string Trigger = "mentiora_drill_slow_commit";
    private readonly string _connectionString;

    private SlowCommits(string connectionString) => _connectionString = connectionString;

    /// <summary>Adds the trigger: from now on each insert statement sleeps <paramref name="perStatement"/> before it commits.</summary>
    public static async Task<SlowCommits> AddAsync(string connectionString, TimeSpan perStatement, CancellationToken cancellation = default)
    {
        var seconds = perStatement.TotalSeconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);
        await ExecuteAsync(connectionString, $"""
            CREATE OR REPLACE FUNCTION {Function}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN PERFORM pg_sleep({seconds}); RETURN NULL; END $$;
            DROP TRIGGER IF EXISTS {Trigger} ON traces;
            CREATE TRIGGER {Trigger} AFTER INSERT ON traces FOR EACH STATEMENT EXECUTE FUNCTION {Function}();
            """, cancellation);
        return new SlowCommits(connectionString);
    }

    /// <summary>Removes the trigger, so commits cost what they normally do.</summary>
    public async ValueTask DisposeAsync() =>
        await ExecuteAsync(_connectionString, $"DROP TRIGGER IF EXISTS {Trigger} ON traces; DROP FUNCTION IF EXISTS {Function}();", CancellationToken.None);

    private static async Task ExecuteAsync(string connectionString, string sql, CancellationToken cancellation)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellation);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellation);
    }
}
