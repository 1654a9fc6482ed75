using System.Globalization;
using Mentiora.Web.Traces;

namespace Mentiora.Web.Pages.Projects;

/// <summary>
/// Where a span's bar sits on the timeline, in the units of the bar's SVG viewBox (0 to
/// <see cref="Width"/>): every row uses one scale, the trace's length, so bars line up. The
/// content security policy refuses style attributes, so the SVG's own x and width place it.
/// </summary>
public readonly record struct TimelineBar(double X, double BarWidth)
{
    /// <summary>The viewBox width every bar is drawn in.</summary>
    public const int Width = 1000;

    // A zero-length span still shows as a sliver rather than vanishing.
    private const double MinWidth = 3;

    /// <summary>The bar of <paramref name="row"/> in <paramref name="tree"/>.</summary>
    public static TimelineBar For(TraceTreeRow row, TraceTree tree)
    {
        var scale = tree.LengthMs > 0 ? Width / tree.LengthMs : 0;
        var width = Math.Clamp(row.Span.LengthMs * scale, MinWidth, Width);
        var x = Math.Clamp(row.OffsetMs * scale, 0, Width - width);
        return new TimelineBar(x, width);
    }

    /// <summary>The x attribute, invariant.</summary>
    public string XText => X.ToString("0.##", CultureInfo.InvariantCulture);

    /// <summary>The width attribute, invariant.</summary>
    public string WidthText => BarWidth.ToString("0.##", CultureInfo.InvariantCulture);
}
