using System.Text.Json.Serialization;

namespace Mentiora.Web.Api;

/// <summary>The 202 answer: the SDKs read success and echo the ids.</summary>
public sealed record TraceAccepted(
    [property: JsonPropertyName("success")] bool Success,
    [property: JsonPropertyName("trace_id")] Guid TraceId,
    [property: JsonPropertyName("span_id")] Guid SpanId);
