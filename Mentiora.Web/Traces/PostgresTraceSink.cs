using Npgsql;
using NpgsqlTypes;

namespace Mentiora.Web.Traces;

/// <summary>
/// Stores a batch in one transaction: a binary COPY into a session table, then one INSERT that
/// keeps the first copy of each span and skips spans already stored (SDK retries), in the order
/// the events arrived. The batch is committed whole or not at all.
/// </summary>
public sealed class PostgresTraceSink(NpgsqlDataSource dataSource) : ITraceBatchSink
{
    private const string Columns =
        "project_id, key_id, received_at, trace_id, span_id, parent_span_id, thread_id, name, type, " +
        "start_time, end_time, duration_ms, model, provider, prompt_tokens, completion_tokens, total_tokens, tags, event, " +
        "end_user_id, end_user_name, end_user_email";

    // Dropped with the session (pooled connections are reset); emptied at each commit.
    private const string CreateIncoming =
        "CREATE TEMP TABLE IF NOT EXISTS traces_incoming (arrival integer, project_id uuid, key_id uuid, received_at timestamptz, " +
        "trace_id uuid, span_id uuid, parent_span_id uuid, thread_id uuid, name text, type text, start_time timestamptz, " +
        "end_time timestamptz, duration_ms double precision, model text, provider text, prompt_tokens bigint, " +
        "completion_tokens bigint, total_tokens bigint, tags text[], event json, end_user_id text, end_user_name text, " +
        "end_user_email text) ON COMMIT DELETE ROWS";

    private const string Copy = $"COPY traces_incoming (arrival, {Columns}) FROM STDIN (FORMAT BINARY)";

    private const string Insert =
        $"INSERT INTO traces ({Columns}) " +
        $"SELECT {Columns} FROM (SELECT *, row_number() OVER (PARTITION BY project_id, trace_id, span_id ORDER BY arrival) AS copy " +
        "FROM traces_incoming) incoming WHERE copy = 1 ORDER BY arrival " +
        "ON CONFLICT (project_id, trace_id, span_id) DO NOTHING";

    public async Task WriteAsync(IReadOnlyList<TraceRecord> batch, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var create = new NpgsqlCommand(CreateIncoming, connection, transaction))
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        await CopyAsync(connection, batch, cancellationToken);
        await using (var insert = new NpgsqlCommand(Insert, connection, transaction))
        {
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    private static async Task CopyAsync(NpgsqlConnection connection, IReadOnlyList<TraceRecord> batch, CancellationToken cancellationToken)
    {
        await using var importer = await connection.BeginBinaryImportAsync(Copy, cancellationToken);
        for (var arrival = 0; arrival < batch.Count; arrival++)
        {
            var record = batch[arrival];
            var t = record.Event;
            await importer.StartRowAsync(cancellationToken);
            await importer.WriteAsync(arrival, NpgsqlDbType.Integer, cancellationToken);
            await importer.WriteAsync(record.ProjectId, NpgsqlDbType.Uuid, cancellationToken);
            await importer.WriteAsync(record.KeyId, NpgsqlDbType.Uuid, cancellationToken);
            await importer.WriteAsync(record.ReceivedAt, NpgsqlDbType.TimestampTz, cancellationToken);
            await importer.WriteAsync(t.TraceId, NpgsqlDbType.Uuid, cancellationToken);
            await importer.WriteAsync(t.SpanId, NpgsqlDbType.Uuid, cancellationToken);
            await WriteNullable(importer, t.ParentSpanId, NpgsqlDbType.Uuid, cancellationToken);
            await WriteNullable(importer, t.ThreadId, NpgsqlDbType.Uuid, cancellationToken);
            await importer.WriteAsync(t.Name, NpgsqlDbType.Text, cancellationToken);
            await importer.WriteAsync(t.Type, NpgsqlDbType.Text, cancellationToken);
            await importer.WriteAsync(t.StartTime, NpgsqlDbType.TimestampTz, cancellationToken);
            await WriteNullable(importer, t.EndTime, NpgsqlDbType.TimestampTz, cancellationToken);
            await WriteNullable(importer, t.DurationMs, NpgsqlDbType.Double, cancellationToken);
            await WriteNullable(importer, t.Model, NpgsqlDbType.Text, cancellationToken);
            await WriteNullable(importer, t.Provider, NpgsqlDbType.Text, cancellationToken);
            await WriteNullable(importer, t.PromptTokens, NpgsqlDbType.Bigint, cancellationToken);
            await WriteNullable(importer, t.CompletionTokens, NpgsqlDbType.Bigint, cancellationToken);
            await WriteNullable(importer, t.TotalTokens, NpgsqlDbType.Bigint, cancellationToken);
            await WriteNullable(importer, t.Tags?.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text, cancellationToken);
            await importer.WriteAsync(t.Json, NpgsqlDbType.Json, cancellationToken);
            await WriteNullable(importer, record.EndUser?.Id, NpgsqlDbType.Text, cancellationToken);
            await WriteNullable(importer, record.EndUser?.Name, NpgsqlDbType.Text, cancellationToken);
            await WriteNullable(importer, record.EndUser?.Email, NpgsqlDbType.Text, cancellationToken);
        }

        await importer.CompleteAsync(cancellationToken);
    }

    private static Task WriteNullable<T>(NpgsqlBinaryImporter importer, T? value, NpgsqlDbType type, CancellationToken cancellationToken) =>
        value is null ? importer.WriteNullAsync(cancellationToken) : importer.WriteAsync(value, type, cancellationToken);
}
