using System.Globalization;

namespace Mentiora.Web.Pages.Projects;

/// <summary>The words of the trace and conversation pages, in one place.</summary>
public static class TraceMessages
{
    public const string ParentNotReceived = "parent not received";

    public const string RootNotReceived = "The root span of this trace has not been received yet: its earliest span stands in for it.";

    public const string ShowAll = "show all";

    /// <summary>The note under a tree cut at <paramref name="shown"/> spans.</summary>
    public static string MoreSpans(int shown) =>
        string.Create(CultureInfo.InvariantCulture, $"This trace has more than {shown:N0} spans: the first {shown:N0} by start time are shown.");

    /// <summary>The note under a conversation cut at <paramref name="shown"/> spans.</summary>
    public static string MoreTurns(int shown) =>
        string.Create(CultureInfo.InvariantCulture, $"This conversation has more than {shown:N0} spans: the turns of the first {shown:N0} are shown.");

    /// <summary>A length as people read it: milliseconds under a second, seconds above.</summary>
    public static string Duration(double ms) => ms < 1000
        ? string.Create(CultureInfo.InvariantCulture, $"{ms:0.##} ms")
        : string.Create(CultureInfo.InvariantCulture, $"{ms / 1000:0.##} s");

    /// <summary>A bar's hover text and accessible name: the span, when it starts after the trace's start, and how long it took.</summary>
    public static string BarTitle(string name, double offsetMs, double lengthMs) =>
        $"{name}: starts at +{Duration(offsetMs)}, takes {Duration(lengthMs)}";

    /// <summary>Tokens of a span: the total with its parts, or a dash.</summary>
    public static string Tokens(long? total, long? prompt, long? completion) => total is { } t
        ? string.Create(CultureInfo.InvariantCulture, $"{t} ({prompt ?? 0} prompt, {completion ?? 0} completion)")
        : "—";

    /// <summary>An end user as the pages show one: the name with the id, or the id alone.</summary>
    public static string EndUser(string? id, string? name) => id is null ? "—" : name is null ? id : $"{name} ({id})";
}
