using System.Data.Common;
using System.Globalization;
using System.Text;
using Mentiora.Web.Storage;
using static Mentiora.Web.Traces.StoredValues;

namespace Mentiora.Web.Traces;

/// <summary>
/// Reads stored traces for the dashboard: the list one row per trace from trace_summaries, newest
/// first a page at a time by keyset (never OFFSET, so deep pages cost the same as the first), its
/// chart, and single spans.
/// </summary>
public sealed class TraceReader(DbDataSource dataSource, StorageSettings storage)
{
    private const string Columns =
        "id, received_at, trace_id, span_id, thread_id, name, type, start_time, duration_ms, model, provider, key_id, " +
        "end_user_id, end_user_name, prompt_tokens, completion_tokens, total_tokens";

    private const string SummaryColumns =
        "trace_id, start_time, end_time, span_count, total_tokens, has_error, root_span_id, name, type, key_id, " +
        "end_user_id, end_user_name, thread_id";

    /// <summary>Up to <paramref name="limit"/> traces of the project matching the filter, newest first, after the cursor; and whether more follow.</summary>
    public async Task<(IReadOnlyList<TraceSummary> Rows, bool More)> ListTracesAsync(
        Guid projectId, TraceListFilter filter, TraceListCursor? cursor, int limit, CancellationToken cancellationToken)
    {
        await using var command = ListTracesCommand(projectId, filter, cursor, limit);
        var rows = new List<TraceSummary>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add(new TraceSummary(
                    Uuid(reader.GetValue(0)),
                    Time(reader.GetValue(1)),
                    Time(reader.GetValue(2)),
                    reader.GetInt32(3),
                    reader.GetInt64(4),
                    reader.GetBoolean(5),
                    reader.IsDBNull(6) ? null : Uuid(reader.GetValue(6)),
                    reader.GetString(7),
                    reader.GetString(8),
                    Uuid(reader.GetValue(9)),
                    reader.IsDBNull(10) ? null : reader.GetString(10),
                    reader.IsDBNull(11) ? null : reader.GetString(11),
                    reader.IsDBNull(12) ? null : Uuid(reader.GetValue(12))));
            }
        }

        return (rows.Take(limit).ToArray(), rows.Count > limit);
    }

    /// <summary>Whether the project has ever received a trace (within what retention keeps).</summary>
    public async Task<bool> AnyTraceAsync(Guid projectId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand();
        command.CommandText = "SELECT 1 FROM trace_summaries WHERE project_id = @project LIMIT 1";
        Add(command, "project", Id(projectId));
        return await command.ExecuteScalarAsync(cancellationToken) is not null;
    }

    /// <summary>Traces and tokens of the project matching the filter, per hour for windows up to a day, else per day (UTC).</summary>
    public async Task<TraceChart> ChartAsync(Guid projectId, TraceListFilter filter, CancellationToken cancellationToken)
    {
        var hourly = ChartIsHourly(filter);
        var counted = new Dictionary<DateTimeOffset, (long Traces, long Tokens)>();
        await using (var command = ChartCommand(projectId, filter))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                counted[Time(reader.GetValue(0))] = (reader.GetInt64(1), reader.GetInt64(2));
            }
        }

        var buckets = new List<TraceChartBucket>();
        var step = hourly ? TimeSpan.FromHours(1) : TimeSpan.FromDays(1);
        for (var start = BucketOf(filter.From, hourly); start < filter.To; start += step)
        {
            var (traces, tokens) = counted.GetValueOrDefault(start);
            buckets.Add(new TraceChartBucket(start, traces, tokens));
        }

        return new TraceChart(hourly, buckets);
    }

    /// <summary>The statement <see cref="ListTracesAsync"/> runs (its plans are tested on PostgreSQL).</summary>
    internal DbCommand ListTracesCommand(Guid projectId, TraceListFilter filter, TraceListCursor? cursor, int limit)
    {
        var command = dataSource.CreateCommand();
        var sql = new StringBuilder($"SELECT {SummaryColumns} FROM trace_summaries WHERE ");
        AddFilter(command, sql, projectId, filter);
        if (cursor is not null)
        {
            // A row comparison, so the newest-first index seeks straight to the cursor.
            sql.Append(" AND (start_time, trace_id) < (@before_start, @before_trace)");
            Add(command, "before_start", TimeValue(cursor.StartTime));
            Add(command, "before_trace", Id(cursor.TraceId));
        }

        sql.Append(" ORDER BY start_time DESC, trace_id DESC LIMIT @limit");
        Add(command, "limit", limit + 1);
        command.CommandText = sql.ToString();
        return command;
    }

    /// <summary>The statement <see cref="ChartAsync"/> runs: one row per non-empty bucket.</summary>
    internal DbCommand ChartCommand(Guid projectId, TraceListFilter filter)
    {
        var hourly = ChartIsHourly(filter);
        var command = dataSource.CreateCommand();
        // Buckets are whole UTC hours or days: PostgreSQL truncates the time; SQLite's fixed-width
        // UTC text is cut to its hour or date, which is exact where arithmetic on julianday is not.
        var bucket = storage.Mode == StorageMode.Postgres
            ? hourly ? "date_trunc('hour', start_time, 'UTC')" : "date_trunc('day', start_time, 'UTC')"
            : hourly ? "substr(start_time, 1, 13) || ':00:00.0000000Z'" : "substr(start_time, 1, 10) || 'T00:00:00.0000000Z'";
        var sql = new StringBuilder($"SELECT {bucket} AS bucket, count(*), CAST(coalesce(sum(total_tokens), 0) AS bigint) FROM trace_summaries WHERE ");
        AddFilter(command, sql, projectId, filter);
        sql.Append(" GROUP BY 1");
        command.CommandText = sql.ToString();
        return command;
    }

    private void AddFilter(DbCommand command, StringBuilder sql, Guid projectId, TraceListFilter filter)
    {
        sql.Append("project_id = @project AND start_time >= @from AND start_time < @to");
        Add(command, "project", Id(projectId));
        Add(command, "from", TimeValue(filter.From));
        Add(command, "to", TimeValue(filter.To));
        if (filter.Type is not null)
        {
            sql.Append(" AND type = @type");
            Add(command, "type", filter.Type);
        }

        if (filter.KeyId is { } keyId)
        {
            sql.Append(" AND key_id = @key");
            Add(command, "key", Id(keyId));
        }

        if (filter.EndUserId is not null)
        {
            sql.Append(" AND end_user_id = @user");
            Add(command, "user", filter.EndUserId);
        }

        if (!string.IsNullOrEmpty(filter.NamePrefix))
        {
            if (storage.Mode == StorageMode.Postgres)
            {
                // LIKE with the prefix's own wildcards escaped, which the name index can range-scan.
                sql.Append(" AND name LIKE @name");
                Add(command, "name", EscapeLike(filter.NamePrefix) + "%");
            }
            else
            {
                // SQLite's LIKE ignores ASCII case; comparing the name's first characters is an exact prefix.
                sql.Append(" AND substr(name, 1, length(@name)) = @name");
                Add(command, "name", filter.NamePrefix);
            }
        }

        if (filter.ErrorsOnly)
        {
            sql.Append(storage.Mode == StorageMode.Postgres ? " AND has_error" : " AND has_error = 1");
        }
    }

    private static bool ChartIsHourly(TraceListFilter filter) => filter.To - filter.From <= TimeSpan.FromDays(1);

    private static DateTimeOffset BucketOf(DateTimeOffset time, bool hourly)
    {
        var utc = time.UtcDateTime;
        return new DateTimeOffset(hourly ? new DateTime(utc.Year, utc.Month, utc.Day, utc.Hour, 0, 0, DateTimeKind.Utc) : utc.Date, TimeSpan.Zero);
    }

    private static string EscapeLike(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);

    // PostgreSQL stores times as timestamptz; SQLite as fixed-width UTC text.
    private object TimeValue(DateTimeOffset time) =>
        storage.Mode == StorageMode.Postgres ? time.UtcDateTime : time.UtcDateTime.ToString(SqliteTraceSink.TimeFormat, CultureInfo.InvariantCulture);

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
}
