using Microsoft.Data.Sqlite;

namespace Mentiora.Bench.Checking;

/// <summary>Counts `traces` rows in the embedded mode's SQLite file, waiting out the app's write lock.</summary>
public sealed class SqliteRowCounter(string databaseFile) : IRowCounter
{
    public async Task<long> CountAsync()
    {
        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = databaseFile,
            Mode = SqliteOpenMode.ReadOnly,
            DefaultTimeout = 10,
            Pooling = false,
        }.ToString();
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM traces";
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }
}
