using Mentiora.Grains.Projects;

namespace Mentiora.Web.Pages.Projects;

/// <summary>How key expiry is worded on screen: the create dialog's choices and the list's Expires column.</summary>
public static class KeyExpiryLabels
{
    /// <summary>Under this much time left, the list warns that the key expires soon.</summary>
    public static readonly TimeSpan SoonWithin = TimeSpan.FromDays(7);

    /// <summary>The choices of the create dialog's Expires select, in the order shown; the first is the default.</summary>
    public static IReadOnlyList<KeyExpiry> Choices { get; } = [KeyExpiry.Never, KeyExpiry.In30Days, KeyExpiry.In90Days, KeyExpiry.In1Year];

    /// <summary>The words of one choice.</summary>
    public static string Choice(KeyExpiry expiry) => expiry switch
    {
        KeyExpiry.Never => "Never",
        KeyExpiry.In30Days => "In 30 days",
        KeyExpiry.In90Days => "In 90 days",
        KeyExpiry.In1Year => "In 1 year",
        _ => throw new ArgumentOutOfRangeException(nameof(expiry), expiry, null),
    };

    /// <summary>Shown for a key that never expires.</summary>
    public const string Never = "Never";

    /// <summary>Shown for a key whose expiry time has passed.</summary>
    public const string Expired = "expired";

    /// <summary>The warning badge next to a key that expires within <see cref="SoonWithin"/>.</summary>
    public const string Soon = "Expires soon";

    /// <summary>True when the key still works but stops within <see cref="SoonWithin"/>.</summary>
    public static bool ExpiresSoon(DateTimeOffset expiresAt, DateTimeOffset now) => expiresAt > now && expiresAt - now < SoonWithin;

    /// <summary>How long until a future time, in words: "in 12 days", "in 5 hours".</summary>
    public static string Remaining(DateTimeOffset expiresAt, DateTimeOffset now)
    {
        var left = expiresAt - now;
        return left switch
        {
            { TotalMinutes: < 1.5 } => "in 1 minute",
            { TotalMinutes: < 59.5 } => $"in {(int)Math.Round(left.TotalMinutes)} minutes",
            { TotalHours: < 1.5 } => "in 1 hour",
            { TotalHours: < 24 } => $"in {(int)Math.Round(left.TotalHours)} hours",
            { TotalDays: < 1.5 } => "in 1 day",
            _ => $"in {(int)Math.Round(left.TotalDays)} days",
        };
    }
}
