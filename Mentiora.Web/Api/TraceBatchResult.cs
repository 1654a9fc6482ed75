using System.Text.Json.Serialization;

namespace Mentiora.Web.Api;

/// <summary>One event's result in a batch answer.</summary>
public sealed record TraceBatchResult(
    [property: JsonPropertyName("index")] int Index,
    [property: JsonPropertyName("success")] bool Success,
    [property: JsonPropertyName("trace_id")] Guid TraceId,
    [property: JsonPropertyName("span_id")] Guid SpanId);
