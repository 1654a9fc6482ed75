using Mentiora.Grains.Projects;

namespace Mentiora.Web.Pages.Projects;

/// <summary>How rolling is worded on screen: the choices of every roll (key, signing secret, publishable key), the old key's row and its activity line.</summary>
public static class RollGraceLabels
{
    /// <summary>The choices of the "Old … stops working" groups, in the order shown.</summary>
    public static IReadOnlyList<RollGrace> Choices { get; } = [RollGrace.Now, RollGrace.In1Hour, RollGrace.In24Hours, RollGrace.In7Days];

    /// <summary>Checked when the dialog opens: a day is long enough to deploy the new key, short enough not to forget the old one.</summary>
    public const RollGrace Default = RollGrace.In24Hours;

    /// <summary>The words of one choice.</summary>
    public static string Choice(RollGrace grace) => grace switch
    {
        RollGrace.Now => "Now",
        RollGrace.In1Hour => "In 1 hour",
        RollGrace.In24Hours => "In 24 hours",
        RollGrace.In7Days => "In 7 days",
        _ => throw new ArgumentOutOfRangeException(nameof(grace), grace, null),
    };

    /// <summary>What the old key's row says while it still works: "Rolled · stops working in 23 hours", in the Expires column's words.</summary>
    public static string RolledStatus(DateTimeOffset stopsWorkingAt, DateTimeOffset now) =>
        $"Rolled · stops working {KeyExpiryLabels.Remaining(stopsWorkingAt, now)}";

    /// <summary>The grace as an activity line says it ("in 1 hour", "now"), from the entry's details; null when they name no choice.</summary>
    public static string? InActivity(string? details) =>
        Enum.TryParse<RollGrace>(details, out var grace) && Enum.IsDefined(grace) ? Choice(grace).ToLowerInvariant() : null;
}
