using System.Data.Common;
using Mentiora.Grains.Activity;

namespace Mentiora.Web.Activity;

/// <summary>
/// The activity table in the app's database (PostgreSQL or SQLite, same queries): the grains
/// append to it, the Settings page and the CSV download read it a page at a time.
/// </summary>
public sealed class DatabaseActivityLog(DbDataSource dataSource) : IActivityLog
{
    /// <summary>Entries on one page of the Activity card.</summary>
    public const int PageSize = 20;

    private const string Columns = "seq, entry_id, project_id, at_ms, actor, kind, key_id, key_name, key_prefix, details, previous_value, client_address";

    public async Task Append(IReadOnlyList<ActivityEntry> entries, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var entry in entries)
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText =
                "INSERT INTO activity (entry_id, project_id, at_ms, actor, kind, key_id, key_name, key_prefix, details, previous_value, client_address) " +
                "VALUES (@entryId, @projectId, @atMs, @actor, @kind, @keyId, @keyName, @keyPrefix, @details, @previousValue, @clientAddress) " +
                "ON CONFLICT (entry_id) DO NOTHING";
            Add(command, "entryId", entry.Id.ToString());
            Add(command, "projectId", entry.ProjectId.ToString());
            Add(command, "atMs", entry.At.ToUnixTimeMilliseconds());
            Add(command, "actor", entry.Actor);
            Add(command, "kind", (int)entry.Kind);
            Add(command, "keyId", entry.KeyId?.ToString());
            Add(command, "keyName", entry.KeyName);
            Add(command, "keyPrefix", entry.KeyPrefix);
            Add(command, "details", entry.Details);
            Add(command, "previousValue", entry.PreviousValue);
            Add(command, "clientAddress", entry.ClientAddress);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>One page of a project's entries, newest first, older than the cursor (a row's sequence number) when given.</summary>
    public async Task<ActivityPage> ReadPage(Guid projectId, long? olderThan, int pageSize = PageSize, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        // One row more than the page: it says whether an "Older" page exists without counting.
        command.CommandText = $"SELECT {Columns} FROM activity WHERE project_id = @projectId" +
            (olderThan is null ? string.Empty : " AND seq < @olderThan") +
            " ORDER BY seq DESC LIMIT @limit";
        Add(command, "projectId", projectId.ToString());
        if (olderThan is not null)
        {
            Add(command, "olderThan", olderThan.Value);
        }

        Add(command, "limit", pageSize + 1);
        var rows = new List<(long Seq, ActivityEntry Entry)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add((reader.GetInt64(0), ReadEntry(reader)));
        }

        var hasOlder = rows.Count > pageSize;
        var page = rows.Take(pageSize).ToArray();
        return new ActivityPage(page.Select(r => r.Entry).ToArray(), hasOlder ? page[^1].Seq : null);
    }

    /// <summary>Deletes up to <paramref name="batchSize"/> entries older than the cutoff; returns how many went.</summary>
    public async Task<int> DeleteOlderThan(DateTimeOffset cutoff, int batchSize, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        // Small batches keep each delete short, so it never holds the table (or SQLite's file lock) for long.
        command.CommandText = "DELETE FROM activity WHERE seq IN (SELECT seq FROM activity WHERE at_ms < @cutoff ORDER BY seq LIMIT @limit)";
        Add(command, "cutoff", cutoff.ToUnixTimeMilliseconds());
        Add(command, "limit", batchSize);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static ActivityEntry ReadEntry(DbDataReader reader) => new()
    {
        Id = Guid.Parse(reader.GetString(1)),
        ProjectId = Guid.Parse(reader.GetString(2)),
        At = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)),
        Actor = reader.GetString(4),
        Kind = (ActivityKind)reader.GetInt32(5),
        KeyId = reader.IsDBNull(6) ? null : Guid.Parse(reader.GetString(6)),
        KeyName = NullableString(reader, 7),
        KeyPrefix = NullableString(reader, 8),
        Details = NullableString(reader, 9),
        PreviousValue = NullableString(reader, 10),
        ClientAddress = NullableString(reader, 11),
    };

    private static string? NullableString(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static void Add(DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }
}
