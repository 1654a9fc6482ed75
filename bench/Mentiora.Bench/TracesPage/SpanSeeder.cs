using System.Diagnostics;
using System.Globalization;
using System.Text;
using Npgsql;
using NpgsqlTypes;

namespace Mentiora.Bench.TracesPage;

/// <summary>
/// Fills <c>traces</c> and <c>trace_summaries</c> with SDK-shaped spans through binary COPY, the columns exactly as the
/// trace writer stores them: traces of 1 to 30 spans nested by parent_span_id, spread over the last 30 days in the order
/// they would have arrived, with errors, tokens, end users and a few conversations, for one project and a few others.
/// </summary>
public static class SpanSeeder
{
    // The columns PostgresTraceSink writes, in its order (id is an identity the database assigns).
    private const string SpanColumns =
        "project_id, key_id, received_at, trace_id, span_id, parent_span_id, thread_id, name, type, " +
        "start_time, end_time, duration_ms, model, provider, prompt_tokens, completion_tokens, total_tokens, tags, event, " +
        "end_user_id, end_user_name, end_user_email, has_error";

    private const string SummaryColumns =
        "project_id, trace_id, start_time, end_time, span_count, total_tokens, has_error, root_span_id, " +
        "name, type, key_id, end_user_id, end_user_name, thread_id, last_received_at";

    private const int MaxSpansPerTrace = 30;

    /// <summary>The root names; the name-prefix measurement filters on one of them.</summary>
    public static readonly IReadOnlyList<string> RootNames =
        ["chat.completions.create", "agent.run", "rag.answer", "support.reply", "summarize.document", "classify.ticket", "translate.text", "search.products"];

    private static readonly string[] ChildNames = ["llm.call", "tool.search", "retriever.query", "tool.calculator", "embeddings.create", "rerank", "guardrail.check"];

    private static readonly (string Model, string Provider)[] Models = [("gpt-4o-mini", "openai"), ("gpt-4o", "openai"), ("claude-3-5-sonnet", "anthropic")];

    /// <summary>
    /// Seeds <paramref name="spans"/> spans: every other trace belongs to <paramref name="projectId"/> (sent with
    /// <paramref name="keyId"/>), the rest to <paramref name="otherProjects"/> other projects. The same seed gives the same shapes.
    /// </summary>
    public static async Task<SeedResult> SeedAsync(string connectionString, Guid projectId, Guid keyId, long spans, int otherProjects,
        Action<string> progress, int seed = 15)
    {
        var clock = Stopwatch.StartNew();
        var random = new Random(seed);
        var counts = SpanCounts(random, spans);
        var measured = MeasuredTraces(counts, spans);
        var now = DateTime.UtcNow;
        var first = now.AddDays(-30);
        var step = (now.AddMinutes(-5) - first) / counts.Count;
        var tenants = Enumerable.Range(0, otherProjects).Select(_ => (Project: Guid.NewGuid(), Key: Guid.NewGuid())).Prepend((projectId, keyId)).ToArray();
        var threads = tenants.Select(_ => Enumerable.Range(0, 500).Select(_ => Guid.CreateVersion7()).ToArray()).ToArray();
        var reportEvery = Math.Max(spans / 10, 1);

        await using var spanConnection = new NpgsqlConnection(connectionString);
        await using var summaryConnection = new NpgsqlConnection(connectionString);
        await spanConnection.OpenAsync();
        await summaryConnection.OpenAsync();
        // A day without its own partition lands in the default partition, which every trace query
        // would then search too: give each seeded day its partition first, as the retention sweep
        // does ahead of time for the days to come.
        await using (var partitions = new NpgsqlCommand(
            "SELECT mentiora_add_trace_partition(day::date) FROM generate_series(@first::date, @last::date, interval '1 day') AS day", spanConnection))
        {
            partitions.Parameters.AddWithValue("first", first.Date);
            partitions.Parameters.AddWithValue("last", now.Date);
            await partitions.ExecuteNonQueryAsync();
        }

        // Two streams, two server processes: the summaries are written while the spans are.
        await using var spanWriter = await spanConnection.BeginBinaryImportAsync($"COPY traces ({SpanColumns}) FROM STDIN (FORMAT BINARY)");
        await using var summaryWriter = await summaryConnection.BeginBinaryImportAsync($"COPY trace_summaries ({SummaryColumns}) FROM STDIN (FORMAT BINARY)");

        var written = 0L;
        var nextReport = reportEvery;
        var projectTraces = 0;
        Guid? typical = null;
        Guid? largest = null;
        var buffer = new SeedSpan[MaxSpansPerTrace];
        var json = new StringBuilder(1024);
        for (var t = 0; t < counts.Count; t++)
        {
            // Every other trace is the measured project's; the others share the rest.
            var tenant = t % 2 == 0 ? 0 : 1 + ((t / 2) % Math.Max(otherProjects, 1));
            if (otherProjects == 0)
            {
                tenant = 0;
            }

            var count = counts[t];
            var start = first + (step * t) + TimeSpan.FromMilliseconds(random.Next(0, 1000));
            var trace = NewTrace(random, start, count, threads[tenant], buffer);
            foreach (var span in buffer.AsSpan(0, count))
            {
                WriteSpan(spanWriter, tenants[tenant], trace, span, json);
            }

            WriteSummary(summaryWriter, tenants[tenant], trace, buffer.AsSpan(0, count));
            if (tenant == 0)
            {
                projectTraces++;
                typical = t == measured.Typical ? trace.TraceId : typical;
                largest = t == measured.Largest ? trace.TraceId : largest;
            }

            written += count;
            if (written >= nextReport)
            {
                progress(string.Create(CultureInfo.InvariantCulture,
                    $"traces-page: seeded {written:#,0} of {spans:#,0} spans ({written / clock.Elapsed.TotalSeconds:#,0} spans/s)"));
                nextReport += reportEvery;
            }
        }

        await spanWriter.CompleteAsync();
        await summaryWriter.CompleteAsync();
        return new SeedResult(written, counts.Count, projectTraces, typical, largest, clock.Elapsed);
    }

    /// <summary>The span count of a typical trace: the median of the sizes drawn.</summary>
    public const int TypicalSpanCount = 8;

    // Sizes from 1 to 30, most traces small (1 + 29·u²: median 8, mean about 10.7), until they add up to the spans asked for;
    // the last trace is cut to fit.
    private static List<int> SpanCounts(Random random, long spans)
    {
        var counts = new List<int>();
        var total = 0L;
        while (total < spans)
        {
            var u = random.NextDouble();
            var count = (int)Math.Min(1 + Math.Floor(29 * u * u), spans - total);
            counts.Add(count);
            total += count;
        }

        return counts;
    }

    // Gives the trace at index the size asked for and keeps the total by taking spans from (or giving them to) other traces than keep.
    private static void Resize(List<int> counts, int index, int size, int keep)
    {
        var change = size - counts[index];
        counts[index] = size;
        for (var i = 0; change != 0 && i < counts.Count; i++)
        {
            if (i == index || i == keep)
            {
                continue;
            }

            var step = change > 0 ? Math.Min(change, counts[i] - 1) : -Math.Min(-change, MaxSpansPerTrace - counts[i]);
            counts[i] -= step;
            change -= step;
        }
    }

    // The measured project has the even indexes; its traces to open are recent: the typical one in the last day or so.
    private static (int Typical, int Largest) MeasuredTraces(List<int> counts, long spans)
    {
        if (spans < MaxSpansPerTrace + TypicalSpanCount + counts.Count)
        {
            return (-1, -1);
        }

        var largest = (counts.Count - 1) / 2 * 2;
        var typical = (int)(counts.Count * 0.97) / 2 * 2;
        Resize(counts, largest, MaxSpansPerTrace, keep: typical);
        if (typical != largest)
        {
            Resize(counts, typical, TypicalSpanCount, keep: largest);
        }

        return (typical, largest);
    }

    private static SeedTrace NewTrace(Random random, DateTime start, int count, Guid[] threads, SeedSpan[] spans)
    {
        var traceId = Guid.CreateVersion7(start);
        var errorAt = random.Next(100) < 3 ? random.Next(count) : -1;
        var user = random.Next(100) < 40 ? random.Next(2000) : (int?)null;
        var thread = random.Next(100) < 10 ? threads[random.Next(threads.Length)] : (Guid?)null;
        var tagged = random.Next(2) == 0;
        var rootName = RootNames[random.Next(RootNames.Count)];
        for (var i = 0; i < count; i++)
        {
            // Each child hangs under an earlier span, so traces nest several levels deep.
            var parent = i == 0 ? (int?)null : random.Next(i);
            var begins = parent is { } p ? spans[p].Start + TimeSpan.FromMilliseconds(random.Next(1, 200)) : start;
            var llm = count == 1 || (i > 0 && random.Next(2) == 0);
            var type = i == errorAt && random.Next(2) == 0 ? "error" : llm ? "llm" : i == 0 ? (random.Next(2) == 0 ? "chat" : "custom") : "tool";
            var duration = random.Next(20, 3000);
            var (model, provider) = Models[random.Next(Models.Length)];
            var prompt = llm ? random.Next(20, 2000) : (int?)null;
            var completion = llm ? random.Next(10, 800) : (int?)null;
            spans[i] = new SeedSpan(
                i == 0 ? null : parent,
                Guid.CreateVersion7(begins),
                i == 0 ? rootName : ChildNames[random.Next(ChildNames.Length)],
                type,
                begins,
                begins + TimeSpan.FromMilliseconds(duration),
                llm ? model : null,
                llm ? provider : null,
                prompt,
                completion,
                ErrorObject: i == errorAt && type != "error");
        }

        // The root ends after its last child, as a real root span does.
        var end = spans[0].End;
        for (var i = 1; i < count; i++)
        {
            end = spans[i].End > end ? spans[i].End : end;
        }

        spans[0] = spans[0] with { End = end + TimeSpan.FromMilliseconds(5) };
        return new SeedTrace(traceId, thread, user, tagged, spans);
    }

    private static void WriteSpan(NpgsqlBinaryImporter writer, (Guid Project, Guid Key) tenant, SeedTrace trace, SeedSpan span, StringBuilder json)
    {
        var duration = (span.End - span.Start).TotalMilliseconds;
        writer.StartRow();
        writer.Write(tenant.Project, NpgsqlDbType.Uuid);
        writer.Write(tenant.Key, NpgsqlDbType.Uuid);
        writer.Write(Received(span), NpgsqlDbType.TimestampTz);
        writer.Write(trace.TraceId, NpgsqlDbType.Uuid);
        writer.Write(span.SpanId, NpgsqlDbType.Uuid);
        WriteOrNull(writer, span.Parent is { } p ? trace.Spans[p].SpanId : (Guid?)null, NpgsqlDbType.Uuid);
        WriteOrNull(writer, trace.ThreadId, NpgsqlDbType.Uuid);
        writer.Write(span.Name, NpgsqlDbType.Text);
        writer.Write(span.Type, NpgsqlDbType.Text);
        writer.Write(span.Start, NpgsqlDbType.TimestampTz);
        writer.Write(span.End, NpgsqlDbType.TimestampTz);
        writer.Write(duration, NpgsqlDbType.Double);
        WriteOrNull(writer, span.Model, NpgsqlDbType.Text);
        WriteOrNull(writer, span.Provider, NpgsqlDbType.Text);
        WriteOrNull(writer, (long?)span.PromptTokens, NpgsqlDbType.Bigint);
        WriteOrNull(writer, (long?)span.CompletionTokens, NpgsqlDbType.Bigint);
        WriteOrNull(writer, (long?)span.TotalTokens, NpgsqlDbType.Bigint);
        if (trace.Tagged)
        {
            writer.Write(new[] { "production", "bench" }, NpgsqlDbType.Array | NpgsqlDbType.Text);
        }
        else
        {
            writer.WriteNull();
        }

        writer.Write(EventJson(json, trace, span, duration), NpgsqlDbType.Json);
        WriteOrNull(writer, trace.User is { } u ? $"user-{u}" : null, NpgsqlDbType.Text);
        WriteOrNull(writer, trace.User is { } n ? $"User {n}" : null, NpgsqlDbType.Text);
        WriteOrNull(writer, trace.User is { } e ? $"user{e}@example.com" : null, NpgsqlDbType.Text);
        // As TraceEvent.HasError decides it: type "error", or an "error" object sent with the span.
        writer.Write(span.Type == "error" || span.ErrorObject, NpgsqlDbType.Boolean);
    }

    // The summary the writer keeps for the trace (see Storage/Schema/Postgres/008_trace_summaries.sql): the root span's
    // name, type, key, end user and thread, the earliest start, the latest end, and the totals over the spans.
    private static void WriteSummary(NpgsqlBinaryImporter writer, (Guid Project, Guid Key) tenant, SeedTrace trace, ReadOnlySpan<SeedSpan> spans)
    {
        var start = DateTime.MaxValue;
        var end = DateTime.MinValue;
        var received = DateTime.MinValue;
        var tokens = 0L;
        var error = false;
        foreach (var span in spans)
        {
            start = span.Start < start ? span.Start : start;
            end = span.End > end ? span.End : end;
            received = Received(span) > received ? Received(span) : received;
            tokens += span.TotalTokens ?? 0;
            error |= span.Type == "error" || span.ErrorObject;
        }

        var root = spans[0];
        writer.StartRow();
        writer.Write(tenant.Project, NpgsqlDbType.Uuid);
        writer.Write(trace.TraceId, NpgsqlDbType.Uuid);
        writer.Write(start, NpgsqlDbType.TimestampTz);
        writer.Write(end, NpgsqlDbType.TimestampTz);
        writer.Write(spans.Length, NpgsqlDbType.Integer);
        writer.Write(tokens, NpgsqlDbType.Bigint);
        writer.Write(error, NpgsqlDbType.Boolean);
        writer.Write(root.SpanId, NpgsqlDbType.Uuid);
        writer.Write(root.Name, NpgsqlDbType.Text);
        writer.Write(root.Type, NpgsqlDbType.Text);
        writer.Write(tenant.Key, NpgsqlDbType.Uuid);
        WriteOrNull(writer, trace.User is { } u ? $"user-{u}" : null, NpgsqlDbType.Text);
        WriteOrNull(writer, trace.User is { } n ? $"User {n}" : null, NpgsqlDbType.Text);
        WriteOrNull(writer, trace.ThreadId, NpgsqlDbType.Uuid);
        writer.Write(received, NpgsqlDbType.TimestampTz);
    }

    // The SDKs send a span when it ends; the server stamps it a moment later.
    private static DateTime Received(SeedSpan span) => span.End + TimeSpan.FromMilliseconds(200);

    private static void WriteOrNull<T>(NpgsqlBinaryImporter writer, T? value, NpgsqlDbType type) where T : class
    {
        if (value is null)
        {
            writer.WriteNull();
        }
        else
        {
            writer.Write(value, type);
        }
    }

    private static void WriteOrNull<T>(NpgsqlBinaryImporter writer, T? value, NpgsqlDbType type) where T : struct
    {
        if (value is { } v)
        {
            writer.Write(v, type);
        }
        else
        {
            writer.WriteNull();
        }
    }

    // The whole event as an SDK sends it: the stored columns plus input, output and metadata, about 600 bytes.
    private static string EventJson(StringBuilder json, SeedTrace trace, SeedSpan span, double duration)
    {
        json.Clear();
        json.Append("{\"trace_id\":\"").Append(trace.TraceId).Append("\",\"span_id\":\"").Append(span.SpanId).Append("\",\"parent_span_id\":");
        AppendIdOrNull(json, span.Parent is { } p ? trace.Spans[p].SpanId : null);
        json.Append(",\"thread_id\":");
        AppendIdOrNull(json, trace.ThreadId);
        json.Append(",\"name\":\"").Append(span.Name).Append("\",\"type\":\"").Append(span.Type).Append('"');
        json.Append(",\"input\":[{\"role\":\"user\",\"content\":\"Which of our plans includes priority support, and how much does it cost per seat?\"}]");
        json.Append(",\"output\":{\"role\":\"assistant\",\"content\":\"Priority support comes with the Business plan, at 24 dollars per seat and month.\"}");
        json.Append(",\"metadata\":{\"environment\":\"production\",\"route\":\"/api/chat\"}");
        json.Append(",\"start_time\":\"").Append(span.Start.ToString("O", CultureInfo.InvariantCulture))
            .Append("\",\"end_time\":\"").Append(span.End.ToString("O", CultureInfo.InvariantCulture))
            .Append("\",\"duration_ms\":").Append(duration.ToString(CultureInfo.InvariantCulture));
        if (span.TotalTokens is { } total)
        {
            json.Append(",\"usage\":{\"prompt_tokens\":").Append(span.PromptTokens).Append(",\"completion_tokens\":").Append(span.CompletionTokens)
                .Append(",\"total_tokens\":").Append(total).Append("},\"model\":\"").Append(span.Model).Append("\",\"provider\":\"").Append(span.Provider).Append('"');
        }

        if (trace.Tagged)
        {
            json.Append(",\"tags\":[\"production\",\"bench\"]");
        }

        if (span.ErrorObject)
        {
            json.Append(",\"error\":{\"message\":\"upstream timed out after 30 s\",\"type\":\"TimeoutError\"}");
        }

        return json.Append(",\"sdk_version\":\"1.4.0\"}").ToString();
    }

    private static void AppendIdOrNull(StringBuilder json, Guid? id)
    {
        if (id is { } value)
        {
            json.Append('"').Append(value).Append('"');
        }
        else
        {
            json.Append("null");
        }
    }

    /// <summary>One span while it is generated; Parent is the index of its parent span in the trace.</summary>
    private readonly record struct SeedSpan(int? Parent, Guid SpanId, string Name, string Type, DateTime Start, DateTime End,
        string? Model, string? Provider, int? PromptTokens, int? CompletionTokens, bool ErrorObject)
    {
        public long? TotalTokens => PromptTokens is { } p && CompletionTokens is { } c ? p + c : null;
    }

    /// <summary>One trace while it is generated: what all its spans share.</summary>
    private sealed record SeedTrace(Guid TraceId, Guid? ThreadId, int? User, bool Tagged, SeedSpan[] Spans);
}
