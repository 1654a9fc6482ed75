using System.Data.Common;
using System.Reflection;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Mentiora.Web.Storage;

/// <summary>
/// Creates and upgrades the schema at start: the Orleans ADO.NET tables and queries and our own
/// tables. Scripts are numbered and each runs once; several processes starting together take
/// turns (a PostgreSQL advisory lock, or SQLite's write lock).
/// </summary>
public static class DatabaseSchema
{
    // Any constant works as long as every silo uses the same one; this one spells "mentiora" in ASCII.
    private const long MigrationLockKey = 0x6d656e74696f7261;

    private const string CreateHistoryTable =
        "CREATE TABLE IF NOT EXISTS mentiora_schema_history (version integer PRIMARY KEY, script text NOT NULL, applied_at text NOT NULL)";

    /// <summary>Applies the scripts the database has not seen yet; throws <see cref="StorageUnavailableException"/> with one clear line when the database cannot be used.</summary>
    public static async Task ApplyAsync(StorageSettings settings, ILogger logger, CancellationToken cancellationToken = default)
    {
        try
        {
            if (settings.Mode == StorageMode.Postgres)
            {
                await ApplyPostgresAsync(settings, logger, cancellationToken);
            }
            else
            {
                await ApplySqliteAsync(settings, logger, cancellationToken);
            }
        }
        catch (Exception e) when (e is DbException or IOException or UnauthorizedAccessException or TimeoutException)
        {
            throw new StorageUnavailableException($"Cannot use {settings.Description}: {FirstLine(e)}", e);
        }
    }

    /// <summary>The numbered scripts for a mode, in the order they must run.</summary>
    public static IReadOnlyList<(int Version, string Name, string Sql)> Scripts(StorageMode mode)
    {
        var folder = $"Schema/{(mode == StorageMode.Postgres ? "Postgres" : "Sqlite")}/";
        var assembly = typeof(DatabaseSchema).Assembly;
        return assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(folder, StringComparison.Ordinal))
            .Select(n => (Version: int.Parse(n[folder.Length..].Split('_')[0]), Name: n[folder.Length..], Sql: Read(assembly, n)))
            .OrderBy(s => s.Version)
            .ToArray();
    }

    private static async Task ApplyPostgresAsync(StorageSettings settings, ILogger logger, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(settings.ConnectionString);
        await connection.OpenAsync(cancellationToken);

        // A session lock, held across the per-script transactions and released when we are done.
        await ExecuteAsync(connection, null, $"SELECT pg_advisory_lock({MigrationLockKey})", cancellationToken);
        try
        {
            await ExecuteAsync(connection, null, CreateHistoryTable, cancellationToken);
            var applied = await AppliedVersionsAsync(connection, null, cancellationToken);
            foreach (var script in Scripts(StorageMode.Postgres).Where(s => !applied.Contains(s.Version)))
            {
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                await ApplyScriptAsync(connection, transaction, script, logger, cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            }
        }
        finally
        {
            await ExecuteAsync(connection, null, $"SELECT pg_advisory_unlock({MigrationLockKey})", CancellationToken.None);
        }
    }

    private static async Task ApplySqliteAsync(StorageSettings settings, ILogger logger, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(settings.SqliteFolder!);
        await using var connection = new SqliteConnection(settings.ConnectionString);
        await connection.OpenAsync(cancellationToken);

        // Write-ahead logging lets the dashboard read while traces are written; it is a property
        // of the file, so setting it once is enough, and it cannot be set inside a transaction.
        await ExecuteAsync(connection, null, "PRAGMA journal_mode=WAL", cancellationToken);

        // SQLite transactions here begin IMMEDIATE: the second process to start waits for the first.
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ExecuteAsync(connection, transaction, CreateHistoryTable, cancellationToken);
        var applied = await AppliedVersionsAsync(connection, transaction, cancellationToken);
        foreach (var script in Scripts(StorageMode.Embedded).Where(s => !applied.Contains(s.Version)))
        {
            await ApplyScriptAsync(connection, transaction, script, logger, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    private static async Task ApplyScriptAsync(
        DbConnection connection, DbTransaction transaction, (int Version, string Name, string Sql) script, ILogger logger, CancellationToken cancellationToken)
    {
        logger.LogInformation("Applying schema script {Script}", script.Name);
        await ExecuteAsync(connection, transaction, script.Sql, cancellationToken);

        await using var record = connection.CreateCommand();
        record.Transaction = transaction;
        record.CommandText = "INSERT INTO mentiora_schema_history (version, script, applied_at) VALUES (@version, @script, @appliedAt)";
        AddParameter(record, "version", script.Version);
        AddParameter(record, "script", script.Name);
        AddParameter(record, "appliedAt", DateTimeOffset.UtcNow.ToString("O"));
        await record.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<HashSet<int>> AppliedVersionsAsync(DbConnection connection, DbTransaction? transaction, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT version FROM mentiora_schema_history";
        var versions = new HashSet<int>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            versions.Add(reader.GetInt32(0));
        }

        return versions;
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static void AddParameter(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    private static string Read(Assembly assembly, string resource)
    {
        using var reader = new StreamReader(assembly.GetManifestResourceStream(resource)!);
        return reader.ReadToEnd();
    }

    private static string FirstLine(Exception e)
    {
        var innermost = e;
        while (innermost.InnerException is not null && innermost is not PostgresException)
        {
            innermost = innermost.InnerException;
        }

        var message = innermost.Message == e.Message ? e.Message : $"{e.Message} ({innermost.Message})";
        return message.ReplaceLineEndings(" ").Trim();
    }
}
