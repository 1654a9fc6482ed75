using System.Data.Common;
using Microsoft.Data.Sqlite;
using Mentiora.Web.Configuration;
using Npgsql;

namespace Mentiora.Web.Storage;

/// <summary>The storage the configuration asks for, and how to reach it.</summary>
public sealed record StorageSettings(StorageMode Mode, string ConnectionString, string Description)
{
    /// <summary>Configuration key of the PostgreSQL connection string; set it to leave embedded mode.</summary>
    public const string PostgresConnectionStringKey = SettingKeys.PostgresConnectionString;

    /// <summary>Configuration key of the SQLite file path in embedded mode.</summary>
    public const string SqlitePathKey = SettingKeys.SqlitePath;

    /// <summary>Invariant names the Orleans ADO.NET providers use to pick their database driver.</summary>
    public string OrleansInvariant => Mode == StorageMode.Postgres ? "Npgsql" : "System.Data.SQLite";

    /// <summary>Reads the storage mode: PostgreSQL when a connection string is set, else a SQLite file.</summary>
    public static StorageSettings FromConfiguration(IConfiguration configuration, string contentRoot)
    {
        var postgres = configuration[PostgresConnectionStringKey];
        if (!string.IsNullOrWhiteSpace(postgres))
        {
            return ForPostgres(postgres);
        }

        var path = configuration[SqlitePathKey];
        path = Path.GetFullPath(string.IsNullOrWhiteSpace(path) ? Path.Combine("data", "mentiora.db") : path, contentRoot);
        return ForSqliteFile(path);
    }

    private static StorageSettings ForPostgres(string connectionString)
    {
        NpgsqlConnectionStringBuilder parsed;
        try
        {
            parsed = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException e)
        {
            throw new StorageUnavailableException($"{PostgresConnectionStringKey} is not a valid PostgreSQL connection string: {e.Message}", e);
        }

        var description = $"PostgreSQL database '{parsed.Database ?? parsed.Username}' at {parsed.Host ?? "localhost"}:{parsed.Port} (from {PostgresConnectionStringKey})";
        return new StorageSettings(StorageMode.Postgres, connectionString, description);
    }

    private static StorageSettings ForSqliteFile(string path)
    {
        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            // Orleans and the trace writer share the file; a writer waits this long for the lock instead of failing.
            DefaultTimeout = 30,
        }.ToString();
        return new StorageSettings(StorageMode.Embedded, connectionString, $"SQLite file {path} (set {SqlitePathKey} to move it)");
    }

    /// <summary>The folder of the SQLite file, or null in PostgreSQL mode.</summary>
    public string? SqliteFolder => Mode == StorageMode.Embedded
        ? Path.GetDirectoryName(new SqliteConnectionStringBuilder(ConnectionString).DataSource)
        : null;

    /// <summary>A data source for our own tables (traces, key ring, schema).</summary>
    public DbDataSource CreateDataSource() => Mode == StorageMode.Postgres
        ? NpgsqlDataSource.Create(ConnectionString)
        : SqliteFactory.Instance.CreateDataSource(ConnectionString);
}
