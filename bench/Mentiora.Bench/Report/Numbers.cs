using System.Globalization;

namespace Mentiora.Bench.Report;

/// <summary>How the report writes numbers: "-" for none, thousands separators, milliseconds from microseconds, ratios.</summary>
public static class Numbers
{
    public static string Whole(double value) => Math.Round(value, MidpointRounding.AwayFromZero).ToString("0", CultureInfo.InvariantCulture);

    public static string Thousands(double? value) =>
        value is { } v ? Math.Floor(v + 0.5).ToString("#,0", CultureInfo.InvariantCulture) : "-";

    public static string Milliseconds(double? microseconds) =>
        microseconds is { } v ? (v / 1000).ToString("0.00", CultureInfo.InvariantCulture) : "-";

    public static string Ratio(double? a, double? b) =>
        a is { } x && b is { } y && y != 0 ? (x / y).ToString("0.00", CultureInfo.InvariantCulture) : "-";

    /// <summary>"yes" or "**no**" for value &gt;= or &lt;= limit; "-" when there is no value.</summary>
    public static string Meets(double? value, bool atLeast, double limit) =>
        value is not { } v ? "-" : (atLeast ? v >= limit : v <= limit) ? "yes" : "**no**";

    public static double? Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        if (sorted.Count == 0)
        {
            return null;
        }

        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    public static double Parse(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : 0;
}
