using Mentiora.Grains.Projects;

namespace Mentiora.Web.Pages.Projects;

/// <summary>What the Keep traces for card and the activity log say about how long traces are kept.</summary>
public static class TraceRetentionMessages
{
    /// <summary>The card's heading, and the setting's name wherever it is mentioned.</summary>
    public const string Heading = "Keep traces for";

    /// <summary>What the setting does, under the heading.</summary>
    public const string Explanation = "Traces older than this are removed in the background, within about an hour. "
        + "A trace's age counts from its start time as the SDK sent it.";

    /// <summary>Said to a member who is not the owner, in place of the choices.</summary>
    public const string OwnerOnly = "Only the project's owner can change how long traces are kept.";

    /// <summary>A choice's label, e.g. "30 days".</summary>
    public static string Days(int days) => days == 1 ? "1 day" : $"{days} days";

    /// <summary>The choice's label with "(default)" after the default.</summary>
    public static string Choice(int days) => days == TraceRetention.DefaultDays ? $"{Days(days)} (default)" : Days(days);

    /// <summary>The line the card shows after a save; null when there is nothing to say (no such project).</summary>
    public static string? For(TraceRetentionOutcome outcome, int days) => outcome switch
    {
        TraceRetentionOutcome.Changed => $"Traces are now kept for {Days(days)}.",
        TraceRetentionOutcome.Unchanged => $"Traces were kept for {Days(days)} already.",
        TraceRetentionOutcome.NotOwner => OwnerOnly,
        TraceRetentionOutcome.NotAChoice => "Choose 7, 30, 90 or 365 days.",
        _ => null,
    };

    /// <summary>The activity entry, e.g. <c>set Keep traces for to 30 days (was 90 days)</c>.</summary>
    public static string InActivity(string? days, string? previousDays) =>
        int.TryParse(previousDays, out var previous)
            ? $"set {Heading} to {DaysText(days)} (was {Days(previous)})"
            : $"set {Heading} to {DaysText(days)}";

    private static string DaysText(string? days) => int.TryParse(days, out var n) ? Days(n) : "another number of days";
}
