namespace Mentiora.Grains.Projects;

/// <summary>The timing rules of rolling a signing secret or a publishable key.</summary>
public static class RolledCredentials
{
    /// <summary>How long a rolled-out secret or publishable key is kept after it stopped working, so its refusal can say since when.</summary>
    public static readonly TimeSpan Remembered = TimeSpan.FromDays(90);

    /// <summary>Most replaced credentials of one kind kept per key, so a key rolled in a loop keeps its state and its token checks small.</summary>
    public const int MaxKept = 10;

    /// <summary>When the old credential stops working, for a roll made now with the chosen grace.</summary>
    public static DateTimeOffset StopsWorkingAt(DateTimeOffset now, RollGrace grace) => grace switch
    {
        RollGrace.Now => now,
        RollGrace.In1Hour => now.AddHours(1),
        RollGrace.In24Hours => now.AddHours(24),
        RollGrace.In7Days => now.AddDays(7),
        _ => throw new ArgumentOutOfRangeException(nameof(grace), grace, null),
    };

    /// <summary>True while a credential that stopped working at the given moment is still remembered.</summary>
    public static bool IsRemembered(DateTimeOffset stoppedAt, DateTimeOffset now) => now < stoppedAt + Remembered;
}
