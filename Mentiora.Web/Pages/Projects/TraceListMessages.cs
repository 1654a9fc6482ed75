namespace Mentiora.Web.Pages.Projects;

/// <summary>The words of the Traces list: its time ranges and what it says about a custom range it cannot use.</summary>
public static class TraceListMessages
{
    /// <summary>The Time range options in the order the filter lists them: URL value and label.</summary>
    public static readonly IReadOnlyList<(string Value, string Label)> Ranges =
    [
        ("1h", "Last hour"),
        ("24h", "Last 24 hours"),
        ("7d", "Last 7 days"),
        ("30d", "Last 30 days"),
        ("custom", "Custom"),
    ];

    public const string FromMissing = "Enter a From date for a custom time range.";

    public const string FromUnreadable = "From is not a date. Use a date like 2026-03-01, or a date and time like 2026-03-01T14:30Z.";

    public const string ToUnreadable = "To is not a date. Use a date like 2026-03-31, or a date and time like 2026-03-31T18:00Z.";

    public const string FromAfterTo = "From must be before To.";

    public const string RangeTooLong = "Choose a custom time range of at most 366 days.";

    public const string NoMatches = "No traces match these filters.";

    /// <summary>The chart's caption.</summary>
    public static string ChartCaption(bool hourly) => hourly ? "Traces and tokens per hour" : "Traces and tokens per day";
}
