using System.Data.Common;
using System.Globalization;
using Mentiora.Web.Storage;

namespace Mentiora.Web.Traces;

/// <summary>
/// Reads the traces table for the Traces page: newest first, a page at a time by keyset
/// (rows older than the last id seen), never OFFSET, so deep pages cost the same as the first.
/// </summary>
public sealed class TraceReader(DbDataSource dataSource, StorageSettings storage)
{
    private const string Columns =
        "id, received_at, trace_id, span_id, thread_id, name, type, start_time, duration_ms, model, provider, key_id, " +
        "end_user_id, end_user_name, prompt_tokens, completion_tokens, total_tokens";

    /// <summary>Up to <paramref name="limit"/> traces of the project older than <paramref name="beforeId"/>, and whether more follow.</summary>
    public async Task<(IReadOnlyList<TraceRow> Rows, bool More)> ListAsync(
        Guid projectId, TraceFilter filter, long? beforeId, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand();
        var sql = $"SELECT {Columns}, NULL FROM traces WHERE project_id = @project";
        Add(command, "project", Id(projectId));
        if (filter.Type is not null)
        {
            sql += " AND type = @type";
            Add(command, "type", filter.Type);
        }

        if (filter.KeyId is { } keyId)
        {
            sql += " AND key_id = @key";
            Add(command, "key", Id(keyId));
        }

        if (filter.EndUser is not null)
        {
            sql += " AND end_user_id = @user";
            Add(command, "user", filter.EndUser);
        }

        if (beforeId is { } before)
        {
            sql += " AND id < @before";
            Add(command, "before", before);
        }

        command.CommandText = sql + " ORDER BY id DESC LIMIT @limit";
        Add(command, "limit", limit + 1);
        var rows = await ReadAsync(command, cancellationToken);
        return (rows.Take(limit).ToArray(), rows.Count > limit);
    }

    // PostgreSQL stores ids as uuid; SQLite as text.
    private object Id(Guid id) => storage.Mode == StorageMode.Postgres ? id : id.ToString();

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    private static async Task<List<TraceRow>> ReadAsync(DbCommand command, CancellationToken cancellationToken)
    {
        var rows = new List<TraceRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new TraceRow(
                reader.GetInt64(0),
                Time(reader.GetValue(1)),
                Uuid(reader.GetValue(2)),
                Uuid(reader.GetValue(3)),
                reader.IsDBNull(4) ? null : Uuid(reader.GetValue(4)),
                reader.GetString(5),
                reader.GetString(6),
                Time(reader.GetValue(7)),
                reader.IsDBNull(8) ? null : reader.GetDouble(8),
                reader.IsDBNull(9) ? null : reader.GetString(9),
                reader.IsDBNull(10) ? null : reader.GetString(10),
                Uuid(reader.GetValue(11)),
                reader.IsDBNull(12) ? null : reader.GetString(12),
                reader.IsDBNull(13) ? null : reader.GetString(13),
                reader.IsDBNull(14) ? null : reader.GetInt64(14),
                reader.IsDBNull(15) ? null : reader.GetInt64(15),
                reader.IsDBNull(16) ? null : reader.GetInt64(16),
                reader.IsDBNull(17) ? null : reader.GetString(17)));
        }

        return rows;
    }

    private static Guid Uuid(object value) => value is Guid guid ? guid : Guid.Parse((string)value);

    private static DateTimeOffset Time(object value) => value switch
    {
        DateTime time => new DateTimeOffset(DateTime.SpecifyKind(time, DateTimeKind.Utc)),
        DateTimeOffset time => time,
        _ => DateTimeOffset.Parse((string)value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
    };
}
