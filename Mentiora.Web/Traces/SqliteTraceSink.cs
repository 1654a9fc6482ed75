using System.Data.Common;
using System.Globalization;
using System.Text.Json;

namespace Mentiora.Web.Traces;

/// <summary>Stores a batch in one SQLite transaction with one prepared insert: one fsync for the whole batch; a span already stored is skipped.</summary>
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
        var parameters = Columns.Select(c =>
        {
            var p = command.CreateParameter();
            p.ParameterName = "@" + c;
            command.Parameters.Add(p);
            return p;
        }).ToArray();

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

            await command.ExecuteNonQueryAsync(giveUp);
        }

        await transaction.CommitAsync(CancellationToken.None);
    }

    private static string Time(DateTimeOffset value) => value.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture);
}
