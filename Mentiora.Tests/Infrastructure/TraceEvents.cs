using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Mentiora.Harness.Clients;

namespace Mentiora.Tests.Infrastructure;

/// <summary>Trace events shaped like the ones the Mentiora SDKs send, and requests carrying them.</summary>
public static class TraceEvents
{
    /// <summary>A complete, valid event with fresh UUIDv7 ids and one field the contract does not name (the load generators' own).</summary>
    public static JsonObject Valid() => SdkTraceEvents.Valid();

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
