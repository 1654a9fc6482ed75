using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Mentiora.Tests.Infrastructure;

/// <summary>Trace events shaped like the ones the Mentiora SDKs send, and requests carrying them.</summary>
public static class TraceEvents
{
    /// <summary>A complete, valid event with fresh UUIDv7 ids and one field the contract does not name.</summary>
    public static JsonObject Valid() => new()
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
        ["start_time"] = "2025-06-01T12:00:00.000Z",
        ["end_time"] = "2025-06-01T12:00:01.250Z",
        ["duration_ms"] = 1250,
        ["usage"] = new JsonObject { ["prompt_tokens"] = 12, ["completion_tokens"] = 3, ["total_tokens"] = 15 },
        ["tags"] = new JsonArray("production", "geography"),
        ["model"] = "gpt-4o-mini",
        ["provider"] = "openai",
        ["sdk_version"] = "1.4.0",
    };

    /// <summary>A POST of the event to the ingestion endpoint with the given bearer key.</summary>
    public static HttpRequestMessage Post(JsonNode body, string? key) => Post(body.ToJsonString(), key);

    /// <summary>A POST of raw text to the ingestion endpoint.</summary>
    public static HttpRequestMessage Post(string body, string? key, string contentType = "application/json")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/traces")
        {
            Content = new StringContent(body, Encoding.UTF8),
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        if (key is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", $"Bearer {key}");
        }

        return request;
    }
}
