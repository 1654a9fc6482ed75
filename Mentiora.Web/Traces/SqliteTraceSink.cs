using System.Data.Common;
using System.Globalization;
using System.Text.Json;

namespace Mentiora.Web.Traces;

/// <summary>Stores a batch in one SQLite transaction with one prepared insert: one fsync for the whole batch; a span already stored is skipped, and each span stored is folded into its trace's summary.</summary>
public sealed class SqliteTraceSink(DbDataSource dataSource) : ITraceBatchSink
{
    private static readonly string[] Columns =
    [
        "project_id", "key_id", "received_at", "trace_id", "span_id", "parent_span_id", "thread_id", "name", "type",
        "start_time", "end_time", "duration_ms", "model", "provider", "prompt_tokens", "completion_tokens", "total_tokens", "tags", "event",
        "end_user_id", "end_user_name", "end_user_email", "has_error",
    ];

    // A retried event is stored once: the copy that arrives second is skipped, and still answered 202.
    private static readonly string Insert =
        $"INSERT INTO traces ({string.Join(", ", Columns)}) VALUES ({string.Join(", ", Columns.Select(c => "@" + c))}) " +
        "ON CONFLICT (project_id, trace_id, span_id) DO NOTHING";

    // Run only after a span was actually inserted, so a retried span never counts twice. The
    // summary takes this span's name, type and key when it has no root yet and this span is the
    // root or started earlier; the end user is the naming span's, else the first one known. SET
    // expressions see the row as it was before this update.
    private const string TakesName =
        "(trace_summaries.root_span_id IS NULL AND (excluded.root_span_id IS NOT NULL OR excluded.start_time < trace_summaries.start_time))";

    private const string TakesEndUser =
        "(excluded.end_user_id IS NOT NULL AND (trace_summaries.end_user_id IS NULL OR " + TakesName + "))";

    private static readonly string[] SummaryColumns =
    [
        "project_id", "trace_id", "start_time", "end_time", "span_count", "total_tokens", "has_error", "root_span_id",
        "name", "type", "key_id", "end_user_id", "end_user_name", "thread_id", "last_received_at",
    ];

    private static readonly string SummaryUpsert =
        $"INSERT INTO trace_summaries ({string.Join(", ", SummaryColumns)}) VALUES ({string.Join(", ", SummaryColumns.Select(c => "@" + c))}) " +
        "ON CONFLICT (project_id, trace_id) DO UPDATE SET " +
        "start_time = min(trace_summaries.start_time, excluded.start_time), " +
        "end_time = max(trace_summaries.end_time, excluded.end_time), " +
        "span_count = trace_summaries.span_count + 1, " +
        "total_tokens = trace_summaries.total_tokens + excluded.total_tokens, " +
        "has_error = max(trace_summaries.has_error, excluded.has_error), " +
        "root_span_id = coalesce(trace_summaries.root_span_id, excluded.root_span_id), " +
        "name = CASE WHEN " + TakesName + " THEN excluded.name ELSE trace_summaries.name END, " +
        "type = CASE WHEN " + TakesName + " THEN excluded.type ELSE trace_summaries.type END, " +
        "key_id = CASE WHEN " + TakesName + " THEN excluded.key_id ELSE trace_summaries.key_id END, " +
        "end_user_id = CASE WHEN " + TakesEndUser + " THEN excluded.end_user_id ELSE trace_summaries.end_user_id END, " +
        "end_user_name = CASE WHEN " + TakesEndUser + " THEN excluded.end_user_name ELSE trace_summaries.end_user_name END, " +
        "thread_id = coalesce(trace_summaries.thread_id, excluded.thread_id), " +
        "last_received_at = max(trace_summaries.last_received_at, excluded.last_received_at)";

    /// <summary>How times are stored: UTC with a fixed number of digits, so text order is time order.</summary>
    public const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    // SQLite takes one writer at a time; a second would only wait for the file lock.
    public int ConcurrentWrites => 1;

    // Everything but the commit may be given up: an unfinished transaction is rolled back.
    public async Task WriteAsync(IReadOnlyList<TraceRecord> batch, CancellationToken giveUp)
    {
        await using var connection = await dataSource.OpenConnectionAsync(giveUp);
        await using var transaction = await connection.BeginTransactionAsync(giveUp);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = Insert;
        var parameters = Parameters(command, Columns);
        await using var summary = connection.CreateCommand();
        summary.Transaction = transaction;
        summary.CommandText = SummaryUpsert;
        var summaryParameters = Parameters(summary, SummaryColumns);

        foreach (var record in batch)
        {
            var t = record.Event;
            object?[] values =
            [
                record.ProjectId.ToString(), record.KeyId.ToString(), Time(record.ReceivedAt), t.TraceId.ToString(), t.SpanId.ToString(),
                t.ParentSpanId?.ToString(), t.ThreadId?.ToString(), t.Name, t.Type, Time(t.StartTime), t.EndTime is { } end ? Time(end) : null,
                t.DurationMs, t.Model, t.Provider, t.PromptTokens, t.CompletionTokens, t.TotalTokens,
                t.Tags is null ? null : JsonSerializer.Serialize(t.Tags), t.Json,
                record.EndUser?.Id, record.EndUser?.Name, record.EndUser?.Email, t.HasError,
            ];
            for (var i = 0; i < values.Length; i++)
            {
                parameters[i].Value = values[i] ?? DBNull.Value;
            }

            if (await command.ExecuteNonQueryAsync(giveUp) == 0)
            {
                continue;
            }

            var spanEnd = SpanEnd.Of(t.StartTime, t.EndTime, t.DurationMs);
            object?[] summaryValues =
            [
                record.ProjectId.ToString(), t.TraceId.ToString(), Time(t.StartTime), Time(spanEnd), 1, t.TotalTokens ?? 0, t.HasError,
                t.ParentSpanId is null ? t.SpanId.ToString() : null, t.Name, t.Type, record.KeyId.ToString(),
                record.EndUser?.Id, record.EndUser?.Id is null ? null : record.EndUser.Name, t.ThreadId?.ToString(), Time(record.ReceivedAt),
            ];
            for (var i = 0; i < summaryValues.Length; i++)
            {
                summaryParameters[i].Value = summaryValues[i] ?? DBNull.Value;
            }

            await summary.ExecuteNonQueryAsync(giveUp);
        }

        await transaction.CommitAsync(CancellationToken.None);
    }

    private static DbParameter[] Parameters(DbCommand command, string[] columns) => columns.Select(c =>
    {
        var p = command.CreateParameter();
        p.ParameterName = "@" + c;
        command.Parameters.Add(p);
        return p;
    }).ToArray();

    private static string Time(DateTimeOffset value) => value.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture);
}
