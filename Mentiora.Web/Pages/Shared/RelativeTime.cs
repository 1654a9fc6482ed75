using System.Globalization;

namespace Mentiora.Web.Pages.Shared;

/// <summary>Times as people read them in lists: "3 minutes ago", with the exact UTC time kept for a tooltip.</summary>
public static class RelativeTime
{
    /// <summary>How long ago the time was, in words.</summary>
    public static string Describe(DateTimeOffset at, DateTimeOffset now)
    {
        var elapsed = now - at;
        return elapsed switch
        {
            { TotalSeconds: < 45 } => "just now",
            { TotalMinutes: < 1.5 } => "1 minute ago",
            { TotalMinutes: < 60 } => $"{(int)Math.Round(elapsed.TotalMinutes)} minutes ago",
            { TotalHours: < 1.5 } => "1 hour ago",
            { TotalHours: < 24 } => $"{(int)Math.Round(elapsed.TotalHours)} hours ago",
            { TotalDays: < 1.5 } => "yesterday",
            { TotalDays: < 30 } => $"{(int)Math.Round(elapsed.TotalDays)} days ago",
            _ => at.UtcDateTime.ToString("d MMM yyyy", CultureInfo.InvariantCulture),
        };
    }

    /// <summary>The exact time in UTC, for the tooltip and the datetime attribute.</summary>
    public static string Exact(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>The machine-readable form for &lt;time datetime&gt;.</summary>
    public static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
