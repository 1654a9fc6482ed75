using System.Text;
using Npgsql;
using NpgsqlTypes;

namespace Mentiora.Web.Traces;

/// <summary>
/// Stores a batch with one statement in one round trip: every column travels as one array
/// parameter, <c>unnest</c> turns the arrays back into rows, and <c>ON CONFLICT DO NOTHING</c>
/// skips spans already stored (SDK retries), keeping the first copy in arrival order. A single
/// statement is its own transaction, so the batch is committed whole or not at all.
/// </summary>
/// <remarks>
/// An earlier version copied the batch into a session table first (binary COPY) and inserted from
/// there: five round trips and a temporary table per commit, which cost more than the rows did.
/// The sink has its own connection pool: its sessions are never reset between batches (nothing
/// in them needs it), and the statement stays prepared on each connection, so PostgreSQL parses
/// and plans it once per connection rather than once per batch.
/// </remarks>
public sealed class PostgresTraceSink(string connectionString) : ITraceBatchSink, IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource = NpgsqlDataSource.Create(
        new NpgsqlConnectionStringBuilder(connectionString) { NoResetOnClose = true, ApplicationName = "mentiora-trace-writer" }.ConnectionString);

    private const string Columns =
        "project_id, key_id, received_at, trace_id, span_id, parent_span_id, thread_id, name, type, " +
        "start_time, end_time, duration_ms, model, provider, prompt_tokens, completion_tokens, total_tokens, tags, event, " +
        "end_user_id, end_user_name, end_user_email, has_error";

    // tags is a per-row array, and unnest would flatten an array of arrays: each row's tags
    // travel as one array literal ('{"a","b"}') that the cast turns back into text[].
    // The spans actually inserted (RETURNING skips the ones ON CONFLICT dropped, so a retried span
    // never counts twice) are folded into their traces' summaries by the same statement: one round
    // trip, one transaction. Summaries are upserted in (project_id, trace_id) order so two batches
    // in flight lock shared summary rows in the same order and cannot deadlock.
    private const string Insert =
        "WITH inserted AS (" +
        $"INSERT INTO traces ({Columns}) " +
        "SELECT project_id, key_id, received_at, trace_id, span_id, parent_span_id, thread_id, name, type, " +
        "start_time, end_time, duration_ms, model, provider, prompt_tokens, completion_tokens, total_tokens, tags::text[], event, " +
        "end_user_id, end_user_name, end_user_email, has_error " +
        "FROM unnest($1::uuid[], $2::uuid[], $3::timestamptz[], $4::uuid[], $5::uuid[], $6::uuid[], $7::uuid[], $8::text[], " +
        "$9::text[], $10::timestamptz[], $11::timestamptz[], $12::float8[], $13::text[], $14::text[], $15::int8[], $16::int8[], " +
        "$17::int8[], $18::text[], $19::json[], $20::text[], $21::text[], $22::text[], $23::bool[]) WITH ORDINALITY " +
        $"AS incoming ({Columns}, arrival) ORDER BY arrival " +
        "ON CONFLICT (project_id, trace_id, span_id, start_time) DO NOTHING " +
        "RETURNING project_id, trace_id, span_id, parent_span_id, thread_id, name, type, key_id, end_user_id, end_user_name, " +
        // A duration that would pass the last moment .NET can read back ends there (as SpanEnd.Of does), and
        // is capped before it becomes an interval so no duration the contract allows overflows one.
        "start_time, least(coalesce(end_time, start_time + least(duration_ms, 1e13) * interval '1 millisecond', start_time), " +
        "timestamptz '9999-12-31 23:59:59.999999+00') AS span_end, " +
        "total_tokens, has_error, received_at) " +
        SummaryUpsert;

    // Within the batch the naming span is the root (no parent) else the earliest span; a summary
    // takes the batch's naming span when it has no root yet and the batch brings the root or an
    // earlier span. The end user is the naming span's, else the first one known.
    private const string SummaryUpsert =
        "INSERT INTO trace_summaries (project_id, trace_id, start_time, end_time, span_count, total_tokens, has_error, root_span_id, " +
        "name, type, key_id, end_user_id, end_user_name, thread_id, last_received_at) " +
        "SELECT project_id, trace_id, min(start_time), max(span_end), count(*), coalesce(sum(total_tokens), 0), bool_or(has_error), " +
        "(array_agg(span_id ORDER BY start_time) FILTER (WHERE parent_span_id IS NULL))[1], " +
        "(array_agg(name ORDER BY parent_span_id IS NOT NULL, start_time))[1], " +
        "(array_agg(type ORDER BY parent_span_id IS NOT NULL, start_time))[1], " +
        "(array_agg(key_id ORDER BY parent_span_id IS NOT NULL, start_time))[1], " +
        "(array_agg(end_user_id ORDER BY parent_span_id IS NOT NULL, start_time) FILTER (WHERE end_user_id IS NOT NULL))[1], " +
        "(array_agg(end_user_name ORDER BY parent_span_id IS NOT NULL, start_time) FILTER (WHERE end_user_id IS NOT NULL))[1], " +
        "(array_agg(thread_id ORDER BY parent_span_id IS NOT NULL, start_time) FILTER (WHERE thread_id IS NOT NULL))[1], " +
        "max(received_at) " +
        "FROM inserted GROUP BY project_id, trace_id ORDER BY project_id, trace_id " +
        "ON CONFLICT (project_id, trace_id) DO UPDATE SET " +
        "start_time = least(trace_summaries.start_time, excluded.start_time), " +
        "end_time = greatest(trace_summaries.end_time, excluded.end_time), " +
        "span_count = trace_summaries.span_count + excluded.span_count, " +
        "total_tokens = trace_summaries.total_tokens + excluded.total_tokens, " +
        "has_error = trace_summaries.has_error OR excluded.has_error, " +
        "root_span_id = coalesce(trace_summaries.root_span_id, excluded.root_span_id), " +
        "name = CASE WHEN " + TakesName + " THEN excluded.name ELSE trace_summaries.name END, " +
        "type = CASE WHEN " + TakesName + " THEN excluded.type ELSE trace_summaries.type END, " +
        "key_id = CASE WHEN " + TakesName + " THEN excluded.key_id ELSE trace_summaries.key_id END, " +
        "end_user_id = CASE WHEN " + TakesEndUser + " THEN excluded.end_user_id ELSE trace_summaries.end_user_id END, " +
        "end_user_name = CASE WHEN " + TakesEndUser + " THEN excluded.end_user_name ELSE trace_summaries.end_user_name END, " +
        "thread_id = coalesce(trace_summaries.thread_id, excluded.thread_id), " +
        "last_received_at = greatest(trace_summaries.last_received_at, excluded.last_received_at)";

    // SET expressions see the row as it was before this update.
    private const string TakesName =
        "(trace_summaries.root_span_id IS NULL AND (excluded.root_span_id IS NOT NULL OR excluded.start_time < trace_summaries.start_time))";

    private const string TakesEndUser =
        "(excluded.end_user_id IS NOT NULL AND (trace_summaries.end_user_id IS NULL OR " + TakesName + "))";

    // A second commit in flight hides the first one's round trip and WAL flush. More do not pay
    // on two cores shared with the database: batches shrink and each commit's CPU is shared by
    // fewer requests (bench: 4 writers ~4,500 req/s, 2 ~6,200, 1 ~7,200 with much idle time),
    // while a database on another machine gains from the overlap.
    public int ConcurrentWrites => 2;

    public async Task WriteAsync(IReadOnlyList<TraceRecord> batch, CancellationToken giveUp)
    {
        var n = batch.Count;
        var projectIds = new Guid[n];
        var keyIds = new Guid[n];
        var receivedAt = new DateTime[n];
        var traceIds = new Guid[n];
        var spanIds = new Guid[n];
        var parentSpanIds = new Guid?[n];
        var threadIds = new Guid?[n];
        var names = new string[n];
        var types = new string[n];
        var startTimes = new DateTime[n];
        var endTimes = new DateTime?[n];
        var durations = new double?[n];
        var models = new string?[n];
        var providers = new string?[n];
        var promptTokens = new long?[n];
        var completionTokens = new long?[n];
        var totalTokens = new long?[n];
        var tags = new string?[n];
        var events = new string[n];
        var endUserIds = new string?[n];
        var endUserNames = new string?[n];
        var endUserEmails = new string?[n];
        var hasErrors = new bool[n];

        for (var i = 0; i < n; i++)
        {
            var record = batch[i];
            var t = record.Event;
            projectIds[i] = record.ProjectId;
            keyIds[i] = record.KeyId;
            receivedAt[i] = record.ReceivedAt.UtcDateTime;
            traceIds[i] = t.TraceId;
            spanIds[i] = t.SpanId;
            parentSpanIds[i] = t.ParentSpanId;
            threadIds[i] = t.ThreadId;
            names[i] = t.Name;
            types[i] = t.Type;
            startTimes[i] = t.StartTime.UtcDateTime;
            endTimes[i] = t.EndTime?.UtcDateTime;
            durations[i] = t.DurationMs;
            models[i] = t.Model;
            providers[i] = t.Provider;
            promptTokens[i] = t.PromptTokens;
            completionTokens[i] = t.CompletionTokens;
            totalTokens[i] = t.TotalTokens;
            tags[i] = t.Tags is null ? null : ArrayLiteral(t.Tags);
            events[i] = t.Json;
            endUserIds[i] = record.EndUser?.Id;
            endUserNames[i] = record.EndUser?.Name;
            endUserEmails[i] = record.EndUser?.Email;
            hasErrors[i] = t.HasError;
        }

        // Only the connect may be given up: the statement commits itself, so once it is sent a
        // cancelled wait could not tell whether the batch was stored.
        await using var connection = await _dataSource.OpenConnectionAsync(giveUp);
        await using var command = new NpgsqlCommand(Insert, connection);
        var parameters = command.Parameters;
        parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = projectIds });
        parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = keyIds });
        parameters.Add(new NpgsqlParameter<DateTime[]> { TypedValue = receivedAt, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
        parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = traceIds });
        parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = spanIds });
        parameters.Add(new NpgsqlParameter<Guid?[]> { TypedValue = parentSpanIds });
        parameters.Add(new NpgsqlParameter<Guid?[]> { TypedValue = threadIds });
        parameters.Add(new NpgsqlParameter<string[]> { TypedValue = names, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        parameters.Add(new NpgsqlParameter<string[]> { TypedValue = types, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        parameters.Add(new NpgsqlParameter<DateTime[]> { TypedValue = startTimes, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
        parameters.Add(new NpgsqlParameter<DateTime?[]> { TypedValue = endTimes, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
        parameters.Add(new NpgsqlParameter<double?[]> { TypedValue = durations });
        parameters.Add(new NpgsqlParameter<string?[]> { TypedValue = models, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        parameters.Add(new NpgsqlParameter<string?[]> { TypedValue = providers, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        parameters.Add(new NpgsqlParameter<long?[]> { TypedValue = promptTokens });
        parameters.Add(new NpgsqlParameter<long?[]> { TypedValue = completionTokens });
        parameters.Add(new NpgsqlParameter<long?[]> { TypedValue = totalTokens });
        parameters.Add(new NpgsqlParameter<string?[]> { TypedValue = tags, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        parameters.Add(new NpgsqlParameter<string[]> { TypedValue = events, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Json });
        parameters.Add(new NpgsqlParameter<string?[]> { TypedValue = endUserIds, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        parameters.Add(new NpgsqlParameter<string?[]> { TypedValue = endUserNames, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        parameters.Add(new NpgsqlParameter<string?[]> { TypedValue = endUserEmails, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        parameters.Add(new NpgsqlParameter<bool[]> { TypedValue = hasErrors });
        // A no-op once this connection has prepared it.
        await command.PrepareAsync(CancellationToken.None);
        await command.ExecuteNonQueryAsync(CancellationToken.None);
    }

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    // PostgreSQL's array input syntax: every element quoted, with " and \ escaped by a backslash.
    private static string ArrayLiteral(IReadOnlyList<string> values)
    {
        var literal = new StringBuilder(2 + values.Count * 8);
        literal.Append('{');
        for (var i = 0; i < values.Count; i++)
        {
            if (i > 0)
            {
                literal.Append(',');
            }

            literal.Append('"');
            foreach (var c in values[i])
            {
                if (c is '"' or '\\')
                {
                    literal.Append('\\');
                }

                literal.Append(c);
            }

            literal.Append('"');
        }

        return literal.Append('}').ToString();
    }
}
