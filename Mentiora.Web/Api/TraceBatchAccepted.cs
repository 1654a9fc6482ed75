using System.Text.Json.Serialization;
using Mentiora.Web.Traces;

namespace Mentiora.Web.Api;

/// <summary>The 202 answer to a batch: every event was stored, with its ids in the order sent.</summary>
public sealed record TraceBatchAccepted(
    [property: JsonPropertyName("success")] bool Success,
    [property: JsonPropertyName("count")] int Count,
    [property: JsonPropertyName("results")] IReadOnlyList<TraceBatchResult> Results)
{
    /// <summary>The answer for a stored batch.</summary>
    public static TraceBatchAccepted For(IReadOnlyList<TraceEvent> events)
    {
        var results = new TraceBatchResult[events.Count];
        for (var i = 0; i < results.Length; i++)
        {
            results[i] = new TraceBatchResult(i, true, events[i].TraceId, events[i].SpanId);
        }

        return new TraceBatchAccepted(true, results.Length, results);
    }
}
