using System.Globalization;

namespace Mentiora.Web.Traces;

/// <summary>Where a page of the Traces list ends: the next page holds traces strictly older in (start time, trace id) order.</summary>
public sealed record TraceListCursor(DateTimeOffset StartTime, Guid TraceId)
{
    /// <summary>The cursor as the page writes it into its Older traces link.</summary>
    public string Format() => $"{StartTime.UtcTicks.ToString(CultureInfo.InvariantCulture)}_{TraceId:N}";

    /// <summary>Reads a cursor the page wrote; anything else (an edited URL) is null.</summary>
    public static TraceListCursor? Parse(string? text)
    {
        var parts = text?.Split('_');
        if (parts is not [var ticks, var id]
            || !long.TryParse(ticks, NumberStyles.None, CultureInfo.InvariantCulture, out var utcTicks)
            || utcTicks < DateTimeOffset.MinValue.UtcTicks || utcTicks > DateTimeOffset.MaxValue.UtcTicks
            || !Guid.TryParseExact(id, "N", out var traceId))
        {
            return null;
        }

        return new TraceListCursor(new DateTimeOffset(utcTicks, TimeSpan.Zero), traceId);
    }
}
