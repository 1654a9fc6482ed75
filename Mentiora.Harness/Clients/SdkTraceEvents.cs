using System.Globalization;
using System.Text.Json.Nodes;

namespace Mentiora.Harness.Clients;

/// <summary>Trace events shaped like the ones the Mentiora SDKs send: what loads, drills and tests post.</summary>
public static class SdkTraceEvents
{
    /// <summary>A complete, valid event with fresh UUIDv7 ids, a call that just ended (as the SDKs send it), and one field the contract does not name.</summary>
    public static JsonObject Valid()
    {
        // Now, as a real client stamps it: the Traces views filter by time and retention removes old traces.
        var end = DateTimeOffset.UtcNow;
        return new JsonObject
        {
            ["trace_id"] = Guid.CreateVersion7().ToString(),
            ["span_id"] = Guid.CreateVersion7().ToString(),
            ["parent_span_id"] = null,
            ["thread_id"] = Guid.CreateVersion7().ToString(),
            ["name"] = "chat.completions.create",
            ["type"] = "llm",
            ["input"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "What is the capital of France?" }),
            ["output"] = new JsonObject { ["role"] = "assistant", ["content"] = "Paris." },
            ["metadata"] = new JsonObject { ["temperature"] = 0.2 },
            ["start_time"] = Time(end.AddMilliseconds(-1250)),
            ["end_time"] = Time(end),
            ["duration_ms"] = 1250,
            ["usage"] = new JsonObject { ["prompt_tokens"] = 12, ["completion_tokens"] = 3, ["total_tokens"] = 15 },
            ["tags"] = new JsonArray("production", "geography"),
            ["model"] = "gpt-4o-mini",
            ["provider"] = "openai",
            ["sdk_version"] = "1.4.0",
        };
    }

    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>The ids the platform stores an event under (with its project): each pair is stored once.</summary>
    public static (Guid TraceId, Guid SpanId) IdsOf(JsonNode trace) =>
        (Guid.Parse((string)trace["trace_id"]!), Guid.Parse((string)trace["span_id"]!));
}
