using System.Text;
using System.Text.Json;
using Mentiora.Web.Traces;

namespace Mentiora.Web.Api;

/// <summary>
/// Reads snake_case trace events as the SDKs send them, one object or an array of them, and
/// checks every rule of the ingestion contract, collecting a message per field (and per event)
/// so the sender can fix everything in one go. Unknown fields are allowed and kept.
/// </summary>
public static class TraceEventParser
{
    /// <summary>Longest name, in characters.</summary>
    public const int MaxNameLength = 256;

    /// <summary>Longest <c>model</c> and <c>provider</c>, in characters: names like "gpt-4o" or "anthropic", never documents.</summary>
    public const int MaxModelLength = 256;

    /// <summary>Most tags on one event.</summary>
    public const int MaxTags = 50;

    /// <summary>Longest tag, in characters.</summary>
    public const int MaxTagLength = 200;

    /// <summary>Most events in one batch request.</summary>
    public const int MaxBatchEvents = 1000;

    /// <summary>The event types the SDKs send.</summary>
    public static readonly IReadOnlySet<string> Types = new HashSet<string>(StringComparer.Ordinal) { "llm", "tool", "chat", "error", "custom" };

    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        // Two values for one field make the event ambiguous; refuse rather than guess which one counts.
        AllowDuplicateProperties = false,
        MaxDepth = 64,
    };

    // Strict: lone surrogates cannot be stored as text by the database, so they are refused here, with a clear message.
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Parses and validates the body: one event (an object) or a batch (an array); returns the events, or the error to answer with.</summary>
    public static (IReadOnlyList<TraceEvent>? Events, ApiError? Error) Parse(ReadOnlyMemory<byte> body)
    {
        // The parser does not check bytes inside strings; stored text must be exactly what was sent.
        if (!System.Text.Unicode.Utf8.IsValid(body.Span))
        {
            return (null, ApiErrors.InvalidJson("The request body is not valid UTF-8. Send the trace as JSON encoded in UTF-8."));
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, DocumentOptions);
        }
        catch (JsonException e)
        {
            return (null, ApiErrors.InvalidJson($"The request body is not valid JSON ({OneLine(e.Message)}). Send one trace event as a JSON object, or an array of them."));
        }
        catch (InvalidOperationException)
        {
            // Comparing property names for duplicates decodes them; an unpaired surrogate escape in one ends up here.
            return (null, ApiErrors.InvalidJson(UnpairedSurrogate));
        }

        using (document)
        {
            if (HasUnpairedSurrogate(body.Span))
            {
                return (null, ApiErrors.InvalidJson(UnpairedSurrogate));
            }

            var root = document.RootElement;
            return root.ValueKind switch
            {
                JsonValueKind.Object => ParseOne(root, Encoding.UTF8.GetString(body.Span)),
                JsonValueKind.Array => ParseBatch(root),
                _ => (null, ApiErrors.InvalidTrace($"The request body is {Describe(root.ValueKind)}, not a trace event. Send one trace event as a JSON object, or an array of them.")),
            };
        }
    }

    private static (IReadOnlyList<TraceEvent>?, ApiError?) ParseOne(JsonElement root, string json)
    {
        var (trace, problems) = new Reader(root).Read(json);
        return trace is not null
            ? ([trace], null)
            : (null, ApiErrors.InvalidTrace($"The trace event is invalid: {FieldProblems.Summarize(problems)}. Fix it and send it again; nothing was stored.", problems));
    }

    private static (IReadOnlyList<TraceEvent>?, ApiError?) ParseBatch(JsonElement root)
    {
        var count = root.GetArrayLength();
        if (count is 0 or > MaxBatchEvents)
        {
            return (null, ApiErrors.InvalidTrace($"A batch holds 1 to {MaxBatchEvents} trace events; this one has {count}. Send the events in batches of at most {MaxBatchEvents}."));
        }

        // Every event is checked before any is stored: a batch is stored whole or not at all.
        var events = new List<TraceEvent>(count);
        var problems = new Dictionary<string, string>(StringComparer.Ordinal);
        var badEvents = 0;
        var index = 0;
        foreach (var element in root.EnumerateArray())
        {
            if (element.ValueKind != JsonValueKind.Object)
            {
                problems[$"[{index}]"] = $"must be a trace event, a JSON object; got {Describe(element.ValueKind)}.";
                badEvents++;
            }
            else
            {
                var (trace, eventProblems) = new Reader(element).Read(element.GetRawText());
                if (trace is not null)
                {
                    events.Add(trace);
                }
                else
                {
                    badEvents++;
                    foreach (var (field, problem) in eventProblems)
                    {
                        problems[$"[{index}].{field}"] = problem;
                    }
                }
            }

            index++;
        }

        return badEvents == 0
            ? (events, null)
            : (null, ApiErrors.InvalidTrace($"{badEvents} of {count} trace events are invalid: {FieldProblems.Summarize(problems)}. Fix them and send the batch again; nothing was stored.", problems));
    }

    private const string UnpairedSurrogate =
        "The request body contains a \\u escape that is not valid Unicode (an unpaired surrogate). Escape characters outside the Basic Multilingual Plane as a pair, or send them as UTF-8.";

    // The JSON reader's messages end with a position ("LineNumber: 0 | BytePositionInLine: 3."); they fit in parentheses on one line.
    private static string OneLine(string message) => string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries)).Trim().TrimEnd('.');

    private static bool HasUnpairedSurrogate(ReadOnlySpan<byte> json)
    {
        // Only escaped text can smuggle a lone surrogate past the UTF-8 check of the parser.
        if (json.IndexOf("\\u"u8) < 0)
        {
            return false;
        }

        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = DocumentOptions.MaxDepth });
        while (reader.Read())
        {
            if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName && reader.ValueIsEscaped)
            {
                try
                {
                    StrictUtf8.GetByteCount(reader.GetString()!);
                }
                catch (Exception e) when (e is EncoderFallbackException or InvalidOperationException)
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };

    private sealed class Reader(JsonElement root)
    {
        private readonly Dictionary<string, string> _problems = new(StringComparer.Ordinal);

        public (TraceEvent?, IReadOnlyDictionary<string, string>) Read(string json)
        {
            var traceId = RequiredUuidV7("trace_id");
            var spanId = RequiredUuidV7("span_id");
            var parentSpanId = OptionalUuid("parent_span_id");
            var threadId = OptionalUuid("thread_id");
            var name = RequiredName();
            var type = RequiredType();
            var startTime = Time("start_time", required: true);
            var endTime = Time("end_time", required: false);
            if (startTime is { } start && endTime is { } end && end < start)
            {
                _problems.TryAdd("end_time", "must not be before start_time.");
            }

            var durationMs = NonNegativeNumber("duration_ms");
            // Capped because a publishable key is public: anyone on an allowed page can write with it,
            // and these fields are indexed columns the Traces page filters by, not free-form payload.
            var model = OptionalText("model", MaxModelLength);
            var provider = OptionalText("provider", MaxModelLength);
            ObjectOrNull("metadata");
            ObjectOrNull("error");
            var (prompt, completion, total) = Usage();
            var tags = Tags();

            if (_problems.Count > 0)
            {
                return (null, _problems);
            }

            return (new TraceEvent(
                traceId!.Value, spanId!.Value, parentSpanId, threadId, name!, type!, startTime!.Value, endTime, durationMs,
                model, provider, prompt, completion, total, tags, json, HasError: type == "error" || TryGet("error", out _)), _problems);
        }

        private bool TryGet(string field, out JsonElement value) =>
            root.TryGetProperty(field, out value) && value.ValueKind != JsonValueKind.Null;

        private Guid? RequiredUuidV7(string field)
        {
            if (!root.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                _problems[field] = "is required: a UUID version 7, like 01890a5d-ac96-774b-bcce-b302099a8057.";
                return null;
            }

            var id = Uuid(field, value);
            if (id is { } uuid && uuid.Version != 7)
            {
                _problems[field] = $"must be a UUID version 7; this one is version {uuid.Version}.";
                return null;
            }

            return id;
        }

        private Guid? OptionalUuid(string field) => TryGet(field, out var value) ? Uuid(field, value) : null;

        private Guid? Uuid(string field, JsonElement value)
        {
            if (value.ValueKind == JsonValueKind.String && Guid.TryParseExact(value.GetString(), "D", out var id))
            {
                return id;
            }

            _problems[field] = "must be a UUID string in the form xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx.";
            return null;
        }

        private string? RequiredName()
        {
            if (!TryGet("name", out var value) || value.ValueKind != JsonValueKind.String)
            {
                _problems["name"] = $"is required: a string of 1 to {MaxNameLength} characters.";
                return null;
            }

            var name = value.GetString()!;
            if (name.Length is 0 or > MaxNameLength)
            {
                _problems["name"] = $"must be 1 to {MaxNameLength} characters long; it is {name.Length}.";
                return null;
            }

            return StorableText("name", name);
        }

        private string? RequiredType()
        {
            var allowed = string.Join(", ", Types);
            if (!TryGet("type", out var value) || value.ValueKind != JsonValueKind.String)
            {
                _problems["type"] = $"is required: one of {allowed}.";
                return null;
            }

            var type = value.GetString()!;
            if (!Types.Contains(type))
            {
                _problems["type"] = $"must be one of {allowed}.";
                return null;
            }

            return type;
        }

        private DateTimeOffset? Time(string field, bool required)
        {
            if (!TryGet(field, out var value))
            {
                if (required)
                {
                    _problems[field] = "is required: an ISO 8601 date and time, like 2025-01-31T12:00:00.000Z.";
                }

                return null;
            }

            if (value.ValueKind != JsonValueKind.String || !value.TryGetDateTime(out var time))
            {
                _problems[field] = "must be an ISO 8601 date and time, like 2025-01-31T12:00:00.000Z.";
                return null;
            }

            // A time without an offset is taken as UTC, as the SDKs mean it.
            return time.Kind switch
            {
                DateTimeKind.Unspecified => new DateTimeOffset(DateTime.SpecifyKind(time, DateTimeKind.Utc)),
                _ => new DateTimeOffset(time.ToUniversalTime()),
            };
        }

        private double? NonNegativeNumber(string field)
        {
            if (!TryGet(field, out var value))
            {
                return null;
            }

            if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var number) || !double.IsFinite(number) || number < 0)
            {
                _problems[field] = "must be a number of at least 0.";
                return null;
            }

            return number;
        }

        private string? OptionalText(string field, int maxLength)
        {
            if (!TryGet(field, out var value))
            {
                return null;
            }

            if (value.ValueKind != JsonValueKind.String)
            {
                _problems[field] = $"must be a string of at most {maxLength} characters.";
                return null;
            }

            var text = value.GetString()!;
            if (text.Length > maxLength)
            {
                _problems[field] = $"must be at most {maxLength} characters long; it is {text.Length}.";
                return null;
            }

            return StorableText(field, text);
        }

        private void ObjectOrNull(string field)
        {
            if (TryGet(field, out var value) && value.ValueKind != JsonValueKind.Object)
            {
                _problems[field] = $"must be a JSON object; got {Describe(value.ValueKind)}.";
            }
        }

        private (long?, long?, long?) Usage()
        {
            if (!TryGet("usage", out var usage))
            {
                return (null, null, null);
            }

            if (usage.ValueKind != JsonValueKind.Object)
            {
                _problems["usage"] = "must be an object with prompt_tokens, completion_tokens and total_tokens.";
                return (null, null, null);
            }

            return (Count(usage, "prompt_tokens"), Count(usage, "completion_tokens"), Count(usage, "total_tokens"));
        }

        private long? Count(JsonElement usage, string field)
        {
            if (!usage.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var count) || count < 0)
            {
                _problems[$"usage.{field}"] = "must be a whole number of at least 0.";
                return null;
            }

            return count;
        }

        private IReadOnlyList<string>? Tags()
        {
            if (!TryGet("tags", out var value))
            {
                return null;
            }

            if (value.ValueKind != JsonValueKind.Array || value.EnumerateArray().Any(t => t.ValueKind != JsonValueKind.String))
            {
                _problems["tags"] = "must be an array of strings.";
                return null;
            }

            var count = value.GetArrayLength();
            if (count > MaxTags)
            {
                _problems["tags"] = $"must hold at most {MaxTags} tags; it holds {count}.";
                return null;
            }

            var tags = value.EnumerateArray().Select(t => t.GetString()!).ToArray();
            var longest = Array.FindIndex(tags, t => t.Length > MaxTagLength);
            if (longest >= 0)
            {
                _problems["tags"] = $"must be strings of at most {MaxTagLength} characters each; tags[{longest}] has {tags[longest].Length}.";
                return null;
            }

            return tags.All(t => StorableText("tags", t) is not null) ? tags : null;
        }

        private string? StorableText(string field, string text)
        {
            // Database text columns cannot hold NUL; the whole event (stored as JSON) still may.
            if (text.Contains('\0'))
            {
                _problems[field] = "must not contain the NUL character (\\u0000).";
                return null;
            }

            return text;
        }
    }
}
