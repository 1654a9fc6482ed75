using System.Text.Json;
using Mentiora.Web.Traces;

namespace Mentiora.Web.Pages.Projects;

/// <summary>One turn of a conversation: one trace sent with the thread id, with what was asked and what was answered.</summary>
public sealed record ConversationTurn(Guid TraceId, string Name, DateTimeOffset Start, string? EndUserId, string? EndUserName, TurnText? Input, TurnText? Output)
{
    /// <summary>
    /// The turns of the spans of a thread, in order of their first start. A turn's input is its
    /// root span's, else the first span's that has one; its output the root's, else the last span's.
    /// </summary>
    public static IReadOnlyList<ConversationTurn> From(IEnumerable<ConversationSpan> spans) =>
        spans.GroupBy(s => s.TraceId)
            .Select(Turn)
            .OrderBy(t => t.Start)
            .ThenBy(t => t.TraceId)
            .ToArray();

    private static ConversationTurn Turn(IGrouping<Guid, ConversationSpan> trace)
    {
        var ordered = trace.OrderBy(s => s.StartTime).ToArray();
        var root = ordered.FirstOrDefault(s => s.ParentSpanId is null) ?? ordered[0];
        var parts = ordered.Select(s => (Span: s, Input: Part(s.Event, "input"), Output: Part(s.Event, "output"))).ToArray();
        var rootPart = parts.First(p => p.Span == root);
        var input = rootPart.Input is { } rootInput ? TurnText.Of(rootInput, root.SpanId)
            : parts.FirstOrDefault(p => p.Input is not null) is { Input: { } first } withInput ? TurnText.Of(first, withInput.Span.SpanId) : null;
        var output = rootPart.Output is { } rootOutput ? TurnText.Of(rootOutput, root.SpanId)
            : parts.LastOrDefault(p => p.Output is not null) is { Output: { } last } withOutput ? TurnText.Of(last, withOutput.Span.SpanId) : null;
        var user = ordered.FirstOrDefault(s => s.EndUserId is not null);
        return new ConversationTurn(trace.Key, root.Name, ordered[0].StartTime, user?.EndUserId, user?.EndUserName, input, output);
    }

    private static string? Part(string json, string field)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.TryGetProperty(field, out var value) && value.ValueKind != JsonValueKind.Null ? MessageText.From(value) : null;
    }
}
