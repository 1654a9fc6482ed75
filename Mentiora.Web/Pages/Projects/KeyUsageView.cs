using Mentiora.Grains.Usage;

namespace Mentiora.Web.Pages.Projects;

/// <summary>What the Key usage dialog and page show: the key's figures, the time they were read, and where Done goes.</summary>
public sealed record KeyUsageView(KeyUsageSummary Usage, DateTimeOffset Now, string SettingsUrl)
{
    /// <summary>Height of the tallest bar of the chart, in SVG units.</summary>
    public const int ChartHeight = 80;

    /// <summary>Width of one day's slot in the chart, in SVG units.</summary>
    public const int BarSlot = 24;

    /// <summary>The height of a day's bar: proportional to the busiest day shown, at least 1 for a day with any trace.</summary>
    public int BarHeight(long count)
    {
        var most = Usage.Days.Max(d => d.Count);
        return count == 0 || most == 0 ? 0 : (int)Math.Max(1, count * ChartHeight / most);
    }
}
