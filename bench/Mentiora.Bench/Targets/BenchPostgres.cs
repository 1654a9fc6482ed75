using Mentiora.Bench.Output;
using Mentiora.Harness.Postgres;
using Npgsql;

namespace Mentiora.Bench.Targets;

/// <summary>The benchmark's throwaway PostgreSQL: durable (a 202 must mean the trace survives a crash), with one database for the app.</summary>
public static class BenchPostgres
{
    /// <summary>Starts the server in <paramref name="directory"/> and creates the database "mentiora" on it.</summary>
    public static async Task<(ThrowawayPostgres Server, string ConnectionString, string Version)> StartAsync(string directory)
    {
        var server = await ThrowawayPostgres.StartAsync(new ThrowawayPostgresOptions
        {
            Directory = directory,
            Durable = true,
            MaxConnections = 200,
            // The benchmark measures its own server's commits, never a shared one's.
            AllowExternalServer = false,
            Progress = Progress.Say,
        });
        try
        {
            await server.CreateDatabaseNamedAsync("mentiora");
            var connectionString = server.ConnectionStringFor("mentiora");
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(
                "SELECT current_setting('fsync'), current_setting('synchronous_commit'), current_setting('wal_sync_method'), current_setting('server_version')",
                connection);
            await using var reader = await command.ExecuteReaderAsync();
            await reader.ReadAsync();
            var (fsync, synchronousCommit, walSync, version) = (reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3));
            Progress.Say($"PostgreSQL ready on 127.0.0.1:{server.Port}: fsync={fsync}, synchronous_commit={synchronousCommit}, wal_sync_method={walSync}");
            // The benchmark pays for the WAL flush of every commit; a server that skips it would flatter the numbers.
            if (fsync != "on" || synchronousCommit != "on")
            {
                throw new BenchFailedException("the benchmark's PostgreSQL must run with fsync and synchronous_commit on");
            }

            return (server, connectionString, version);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }
}
