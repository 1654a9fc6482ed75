using System.Data.Common;
using System.Globalization;
using Mentiora.Web.Storage;
using static Mentiora.Web.Traces.StoredValues;

namespace Mentiora.Web.Traces;

/// <summary>
/// Reads one trace's spans and one conversation's spans for the trace and conversation pages.
/// Every query names the project, so another project's trace, span or thread id finds nothing.
/// </summary>
public sealed class TraceSpanReader(DbDataSource dataSource, StorageSettings storage)
{
    private const string SpanColumns =
        "span_id, parent_span_id, thread_id, name, type, start_time, end_time, duration_ms, model, provider, key_id, " +
        "end_user_id, end_user_name, prompt_tokens, completion_tokens, total_tokens, has_error";

    /// <summary>
    /// A trace's spans without their events; public so the plan tests explain exactly this. (project_id,
    /// trace_id) is the prefix of the one-row-per-span unique index.
    /// </summary>
    public const string SpansQuery =
        $"SELECT {SpanColumns} FROM traces WHERE project_id = @project AND trace_id = @trace ORDER BY start_time, span_id LIMIT @limit";

    /// <summary>One span with its event.</summary>
    public const string SpanQuery = $"SELECT {SpanColumns}, event FROM traces WHERE project_id = @project AND trace_id = @trace AND span_id = @span";

    /// <summary>
    /// A thread's spans, earliest first; public so the plan tests explain exactly this. Served by
    /// traces_by_project_thread (project_id, thread_id, start_time): no sort, no scan of other threads.
    /// </summary>
    public const string ConversationQuery =
        "SELECT trace_id, span_id, parent_span_id, name, start_time, end_user_id, end_user_name, event FROM traces " +
        "WHERE project_id = @project AND thread_id = @thread ORDER BY start_time LIMIT @limit";

    /// <summary>
    /// Up to <paramref name="limit"/> spans of the trace, earliest first, without their events (the
    /// tree does not need them and they are most of a row), and whether more follow.
    /// </summary>
    public async Task<(IReadOnlyList<TraceSpan> Spans, bool More)> SpansAsync(Guid projectId, Guid traceId, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand();
        command.CommandText = SpansQuery;
        Add(command, "project", Id(projectId));
        Add(command, "trace", Id(traceId));
        Add(command, "limit", limit + 1);
        var spans = new List<TraceSpan>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            spans.Add(ReadSpan(reader));
        }

        return (spans.Take(limit).ToArray(), spans.Count > limit);
    }

    /// <summary>One span of the trace with its whole event, or null when the trace of this project has no such span.</summary>
    public async Task<SpanWithEvent?> SpanAsync(Guid projectId, Guid traceId, Guid spanId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand();
        command.CommandText = SpanQuery;
        Add(command, "project", Id(projectId));
        Add(command, "trace", Id(traceId));
        Add(command, "span", Id(spanId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? new SpanWithEvent(ReadSpan(reader), reader.GetString(17)) : null;
    }

    /// <summary>Up to <paramref name="limit"/> spans sent with the thread id, earliest first, with their events (a turn's text is in them).</summary>
    public async Task<(IReadOnlyList<ConversationSpan> Spans, bool More)> ConversationAsync(Guid projectId, Guid threadId, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand();
        command.CommandText = ConversationQuery;
        Add(command, "project", Id(projectId));
        Add(command, "thread", Id(threadId));
        Add(command, "limit", limit + 1);
        var spans = new List<ConversationSpan>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            spans.Add(new ConversationSpan(
                Uuid(reader.GetValue(0)),
                Uuid(reader.GetValue(1)),
                reader.IsDBNull(2) ? null : Uuid(reader.GetValue(2)),
                reader.GetString(3),
                Time(reader.GetValue(4)),
                reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.IsDBNull(6) ? null : reader.GetString(6),
                reader.GetString(7)));
        }

        return (spans.Take(limit).ToArray(), spans.Count > limit);
    }

    private static TraceSpan ReadSpan(DbDataReader reader) => new(
        Uuid(reader.GetValue(0)),
        reader.IsDBNull(1) ? null : Uuid(reader.GetValue(1)),
        reader.IsDBNull(2) ? null : Uuid(reader.GetValue(2)),
        reader.GetString(3),
        reader.GetString(4),
        Time(reader.GetValue(5)),
        reader.IsDBNull(6) ? null : Time(reader.GetValue(6)),
        reader.IsDBNull(7) ? null : reader.GetDouble(7),
        reader.IsDBNull(8) ? null : reader.GetString(8),
        reader.IsDBNull(9) ? null : reader.GetString(9),
        Uuid(reader.GetValue(10)),
        reader.IsDBNull(11) ? null : reader.GetString(11),
        reader.IsDBNull(12) ? null : reader.GetString(12),
        reader.IsDBNull(13) ? null : reader.GetInt64(13),
        reader.IsDBNull(14) ? null : reader.GetInt64(14),
        reader.IsDBNull(15) ? null : reader.GetInt64(15),
        // PostgreSQL answers a boolean; SQLite an integer 0 or 1.
        reader.GetValue(16) is bool flag ? flag : Convert.ToInt64(reader.GetValue(16), CultureInfo.InvariantCulture) != 0);

    // PostgreSQL stores ids as uuid; SQLite as text.
    private object Id(Guid id) => storage.Mode == StorageMode.Postgres ? id : id.ToString();
}
