namespace Mentiora.Grains.Projects;

/// <summary>How long a project may keep its traces: the choices offered and the default.</summary>
public static class TraceRetention
{
    /// <summary>Days a project keeps its traces unless its owner chose otherwise.</summary>
    public const int DefaultDays = 90;

    /// <summary>The longest choice; no project keeps a trace longer.</summary>
    public const int LongestDays = 365;

    /// <summary>The numbers of days an owner may choose from, shortest first.</summary>
    public static IReadOnlyList<int> Choices { get; } = [7, 30, DefaultDays, LongestDays];

    /// <summary>True when the number of days is one of <see cref="Choices"/>.</summary>
    public static bool IsChoice(int days) => Choices.Contains(days);

    /// <summary>The days a stored value stands for: absent (0) or unknown means the default.</summary>
    public static int DaysOf(int stored) => IsChoice(stored) ? stored : DefaultDays;
}
