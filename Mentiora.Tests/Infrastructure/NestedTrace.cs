using System.Globalization;
using System.Text.Json.Nodes;
using Mentiora.Harness.Clients;

namespace Mentiora.Tests.Infrastructure;

/// <summary>
/// A trace of the SDK's shape with nested spans, as an agent run sends it: a root chat span, two
/// llm children, a tool grandchild, a span whose parent never arrives and a failed tool call.
/// Times are offsets from <see cref="Start"/>, so the timeline's places can be checked.
/// </summary>
public sealed class NestedTrace
{
    public NestedTrace(Guid? threadId = null, string prefix = "", DateTimeOffset? start = null)
    {
        Start = start ?? DateTimeOffset.UtcNow.AddSeconds(-5);
        Prefix = prefix;
        ThreadId = threadId ?? Guid.CreateVersion7();
        Root = Span($"{prefix}agent.run", "chat", null, 0, 1000);
        Root["input"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = $"{prefix}Plan my trip to Paris" });
        Root["output"] = new JsonObject { ["role"] = "assistant", ["content"] = $"{prefix}Here is your plan." };
        Plan = Span($"{prefix}plan.llm", "llm", Root, 50, 250);
        Search = Span($"{prefix}search.tool", "tool", Plan, 310, 190);
        Answer = Span($"{prefix}answer.llm", "llm", Root, 510, 390);
        Orphan = Span($"{prefix}late.tool", "tool", null, 600, 50);
        Orphan["parent_span_id"] = Guid.CreateVersion7().ToString();
        Failing = Span($"{prefix}failing.tool", "tool", Answer, 700, 100);
        Failing["error"] = new JsonObject { ["message"] = $"{prefix}rate limited", ["type"] = "RateLimitError" };
    }

    public string Prefix { get; }

    /// <summary>When the root starts: a few seconds ago, as if just sent.</summary>
    public DateTimeOffset Start { get; }

    public Guid TraceId { get; } = Guid.CreateVersion7();

    public Guid ThreadId { get; }

    public JsonObject Root { get; }

    public JsonObject Plan { get; }

    public JsonObject Search { get; }

    public JsonObject Answer { get; }

    public JsonObject Orphan { get; }

    public JsonObject Failing { get; }

    /// <summary>Every span, in the order the SDK would flush them (children end first).</summary>
    public JsonArray Batch => new(Search.DeepClone(), Plan.DeepClone(), Failing.DeepClone(), Answer.DeepClone(), Orphan.DeepClone(), Root.DeepClone());

    /// <summary>The span id of <paramref name="span"/>.</summary>
    public static Guid IdOf(JsonObject span) => Guid.Parse((string)span["span_id"]!);

    /// <summary>A span of this trace starting <paramref name="offsetMs"/> after the root, lasting <paramref name="lengthMs"/>.</summary>
    public JsonObject Span(string name, string type, JsonObject? parent, int offsetMs, int lengthMs)
    {
        var span = SdkTraceEvents.Valid();
        var start = Start.AddMilliseconds(offsetMs);
        span["trace_id"] = TraceId.ToString();
        span["parent_span_id"] = parent is null ? null : (string)parent["span_id"]!;
        span["thread_id"] = ThreadId.ToString();
        span["name"] = name;
        span["type"] = type;
        span["start_time"] = Time(start);
        span["end_time"] = Time(start.AddMilliseconds(lengthMs));
        span["duration_ms"] = lengthMs;
        return span;
    }

    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
