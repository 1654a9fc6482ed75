using System.Data.Common;
using Mentiora.Web.Storage;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Mentiora.Tests.Infrastructure;

/// <summary>A fresh, empty database for one test class: a SQLite file in a temp folder or a new PostgreSQL database.</summary>
/// <param name="Mode">Which storage mode the app runs in.</param>
/// <param name="SettingKey">The configuration key that selects this storage.</param>
/// <param name="SettingValue">Its value (a SQLite path or a PostgreSQL connection string).</param>
/// <param name="ConnectionString">For the tests' own queries.</param>
public sealed record TestStorage(StorageMode Mode, string SettingKey, string SettingValue, string ConnectionString)
{
    /// <summary>Which database this is, for messages: the SQLite file or the PostgreSQL database name, never credentials.</summary>
    public string Name => Mode == StorageMode.Postgres
        ? $"PostgreSQL database {new NpgsqlConnectionStringBuilder(ConnectionString).Database}"
        : $"SQLite file {SettingValue}";

    /// <summary>A SQLite file in a new temporary folder that does not exist yet, so the app must create it.</summary>
    public static TestStorage NewEmbedded()
    {
        var path = Path.Combine(Path.GetTempPath(), "mentiora-tests", Guid.NewGuid().ToString("N"), "data", "mentiora.db");
        return new TestStorage(StorageMode.Embedded, StorageSettings.SqlitePathKey, path, new SqliteConnectionStringBuilder { DataSource = path }.ToString());
    }

    /// <summary>A new database on the test run's PostgreSQL server.</summary>
    public static async Task<TestStorage> NewPostgresAsync()
    {
        var server = await SharedPostgres.GetAsync();
        return await NewPostgresOnAsync(await server.CreateDatabaseAsync("mentiora"));
    }

    /// <summary>A PostgreSQL database the caller created.</summary>
    public static Task<TestStorage> NewPostgresOnAsync(string connectionString) =>
        Task.FromResult(new TestStorage(StorageMode.Postgres, StorageSettings.PostgresConnectionStringKey, connectionString, connectionString));

    /// <summary>A fresh storage of the given mode.</summary>
    public static async Task<TestStorage> NewAsync(StorageMode mode) =>
        mode == StorageMode.Postgres ? await NewPostgresAsync() : NewEmbedded();

    /// <summary>Points the app at this storage.</summary>
    public void Apply(IWebHostBuilder builder) => builder.UseSetting(SettingKey, SettingValue);

    /// <summary>Opens a connection for direct checks of what is stored.</summary>
    public async Task<DbConnection> OpenAsync()
    {
        DbConnection connection = Mode == StorageMode.Postgres
            ? new NpgsqlConnection(ConnectionString)
            : new SqliteConnection(ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    /// <summary>Runs a query and returns the first column of every row.</summary>
    public async Task<List<object?>> QueryColumnAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var p = command.CreateParameter();
            p.ParameterName = name;
            p.Value = value;
            command.Parameters.Add(p);
        }

        var values = new List<object?>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            values.Add(reader.IsDBNull(0) ? null : reader.GetValue(0));
        }

        return values;
    }

    /// <summary>Every value of every text or binary column of every table, as UTF-8 bytes, for searching for secrets.</summary>
    public async Task<List<(string Table, byte[] Value)>> DumpAllValuesAsync()
    {
        var tables = Mode == StorageMode.Postgres
            ? await QueryColumnAsync("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            : await QueryColumnAsync("SELECT name FROM sqlite_master WHERE type = 'table'");
        var dump = new List<(string, byte[])>();
        await using var connection = await OpenAsync();
        foreach (var table in tables.Cast<string>())
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT * FROM \"{table}\"";
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    if (reader.IsDBNull(i))
                    {
                        continue;
                    }

                    var value = reader.GetValue(i);
                    dump.Add((table, value switch
                    {
                        byte[] bytes => bytes,
                        string[] texts => System.Text.Encoding.UTF8.GetBytes(string.Join("\n", texts)),
                        _ => System.Text.Encoding.UTF8.GetBytes(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty),
                    }));
                }
            }
        }

        return dump;
    }
}
