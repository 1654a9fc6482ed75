using Mentiora.Grains.Projects;
using Mentiora.Web.Pages.Shared;

namespace Mentiora.Web.Pages.Projects;

/// <summary>How the Allowed origins dialog and the Activity card word rolling a signing secret or a publishable key (the choices are <see cref="RollGraceLabels"/>, shared with rolling a key).</summary>
public static class SecretRollMessages
{
    /// <summary>Said after the signing secret was rolled.</summary>
    public static string SigningSecretRolled(RollGrace grace, DateTimeOffset? previousStopsWorkingAt) =>
        $"The signing secret was rolled. {Previous("signing secret", grace, previousStopsWorkingAt)}";

    /// <summary>Said after the publishable key was rolled.</summary>
    public static string PublishableKeyRolled(RollGrace grace, DateTimeOffset? previousStopsWorkingAt) =>
        $"The publishable key was rolled. {Previous("publishable key", grace, previousStopsWorkingAt)}";

    /// <summary>Said when a roll form that showed its new signing secret is sent again (a reload, a double click).</summary>
    public const string SigningSecretAlreadyShown =
        "This form already rolled the signing secret, and its new secret is not shown twice. If you did not copy it, roll the signing secret again.";

    /// <summary>What an activity entry of a roll says about its grace, e.g. <c>old one stops working in 24 hours</c>.</summary>
    public static string Grace(string? details) =>
        Enum.TryParse<RollGrace>(details, out var grace) && Enum.IsDefined(grace)
            ? grace == RollGrace.Now ? "old one stopped working at once" : $"old one stops working {RollGraceLabels.Choice(grace).ToLowerInvariant()}"
            : "grace unknown";

    // Said from the choice, not by comparing clocks: the grain decided the moment, a little after this page began.
    private static string Previous(string what, RollGrace grace, DateTimeOffset? stopsAt) =>
        grace != RollGrace.Now && stopsAt is { } at
            ? $"The previous {what} works until {RelativeTime.Exact(at)}."
            : $"The previous {what} stopped working.";
}
