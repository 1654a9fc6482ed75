using Npgsql;
using NpgsqlTypes;

namespace Mentiora.Web.Traces;

/// <summary>Stores a batch with one binary COPY: a single statement, so the batch is committed whole or not at all.</summary>
public sealed class PostgresTraceSink(NpgsqlDataSource dataSource) : ITraceBatchSink
{
    private const string Copy =
        "COPY traces (project_id, key_id, received_at, trace_id, span_id, parent_span_id, thread_id, name, type, " +
        "start_time, end_time, duration_ms, model, provider, prompt_tokens, completion_tokens, total_tokens, tags, event, " +
        "end_user_id, end_user_name, end_user_email) " +
        "FROM STDIN (FORMAT BINARY)";

    public async Task WriteAsync(IReadOnlyList<TraceRecord> batch, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var importer = await connection.BeginBinaryImportAsync(Copy, cancellationToken);
        foreach (var record in batch)
        {
            var t = record.Event;
            await importer.StartRowAsync(cancellationToken);
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
