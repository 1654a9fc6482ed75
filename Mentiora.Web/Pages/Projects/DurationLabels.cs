using System.Globalization;

namespace Mentiora.Web.Pages.Projects;

/// <summary>Durations as people read them in a list: "850 ms", "1.25 s", "2 min 5 s".</summary>
public static class DurationLabels
{
    /// <summary>The duration in the largest unit that keeps it short.</summary>
    public static string Describe(TimeSpan duration)
    {
        var ms = Math.Max(0, duration.TotalMilliseconds);
        if (ms < 1000)
        {
            return $"{ms.ToString("0", CultureInfo.InvariantCulture)} ms";
        }

        if (ms < 60_000)
        {
            return $"{(ms / 1000).ToString("0.##", CultureInfo.InvariantCulture)} s";
        }

        var whole = TimeSpan.FromSeconds(Math.Round(ms / 1000));
        return whole.TotalHours >= 1
            ? $"{(int)whole.TotalHours} h {whole.Minutes} min"
            : $"{whole.Minutes} min {whole.Seconds} s";
    }
}
