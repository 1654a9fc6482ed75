namespace Mentiora.Web.Traces;

/// <summary>Where a span ends, as trace_summaries counts it: its end time, else its start plus its duration, else its start.</summary>
public static class SpanEnd
{
    /// <summary>
    /// The end of a span; a duration that would pass the last representable moment (the contract
    /// bounds neither the start nor the duration) ends there instead of failing the whole batch.
    /// </summary>
    public static DateTimeOffset Of(DateTimeOffset start, DateTimeOffset? end, double? durationMs)
    {
        if (end is { } given)
        {
            return given;
        }

        if (durationMs is not { } ms)
        {
            return start;
        }

        return ms >= (DateTimeOffset.MaxValue - start).TotalMilliseconds ? DateTimeOffset.MaxValue : start.AddMilliseconds(ms);
    }
}
