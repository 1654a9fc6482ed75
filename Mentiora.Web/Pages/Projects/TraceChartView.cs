using System.Globalization;
using Mentiora.Web.Traces;

namespace Mentiora.Web.Pages.Projects;

/// <summary>
/// The Traces chart laid out for an SVG drawn on the server: bars for traces, a line for tokens,
/// every size and position a number the view writes as an SVG attribute (the policy allows no
/// style attributes), with labels for the axes.
/// </summary>
public sealed class TraceChartView
{
    public const int Width = 720;
    public const int Height = 180;
    public const int Left = 44;
    public const int Right = 56;
    public const int Top = 10;
    public const int Bottom = 26;

    public TraceChartView(TraceChart chart)
    {
        Chart = chart;
        MaxTraces = Math.Max(1, chart.Buckets.Count == 0 ? 0 : chart.Buckets.Max(b => b.Traces));
        MaxTokens = Math.Max(1, chart.Buckets.Count == 0 ? 0 : chart.Buckets.Max(b => b.Tokens));
        var slot = PlotWidth / Math.Max(1, chart.Buckets.Count);
        Bars = chart.Buckets.Select((b, i) =>
        {
            var height = PlotHeight * b.Traces / MaxTraces;
            return new TraceChartBar(N(Left + i * slot + slot * 0.1), N(Top + PlotHeight - height), N(slot * 0.8), N(height), b);
        }).ToArray();
        TokenPoints = string.Join(' ', chart.Buckets.Select((b, i) =>
            $"{N(Left + i * slot + slot / 2)},{N(Top + PlotHeight - PlotHeight * b.Tokens / MaxTokens)}"));
        XLabels = chart.Buckets.Count == 0
            ? []
            : new[] { 0, chart.Buckets.Count / 2, chart.Buckets.Count - 1 }.Distinct()
                .Select(i => new TraceChartLabel(N(Left + i * slot + slot / 2), BucketLabel(chart.Buckets[i].Start))).ToArray();
    }

    public TraceChart Chart { get; }

    public long MaxTraces { get; }

    public long MaxTokens { get; }

    public IReadOnlyList<TraceChartBar> Bars { get; }

    /// <summary>The tokens line as SVG polyline points.</summary>
    public string TokenPoints { get; }

    public IReadOnlyList<TraceChartLabel> XLabels { get; }

    public string Caption => TraceListMessages.ChartCaption(Chart.Hourly);

    /// <summary>The chart in one sentence, for its accessible name.</summary>
    public string Title =>
        $"{Caption}: {Chart.Buckets.Sum(b => b.Traces).ToString(CultureInfo.InvariantCulture)} traces and " +
        $"{Chart.Buckets.Sum(b => b.Tokens).ToString(CultureInfo.InvariantCulture)} tokens in all.";

    public string BucketHeading => Chart.Hourly ? "Hour (UTC)" : "Day (UTC)";

    public string PlotBottom => N(Top + PlotHeight);

    public string PlotRight => N(Width - Right);

    public static string N(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    public static string Count(long value) => value.ToString("#,0", CultureInfo.InvariantCulture);

    public string BucketLabel(DateTimeOffset start) =>
        start.UtcDateTime.ToString(Chart.Hourly ? "d MMM HH:00" : "d MMM", CultureInfo.InvariantCulture);

    private static double PlotWidth => Width - Left - Right;

    private static double PlotHeight => Height - Top - Bottom;
}
