namespace Mentiora.Grains.Usage;

/// <summary>
/// How one key has been used, as its project grain stores it: accepted traces per day, refusals per
/// hour, the latest refusals and where the key was last seen. Only the grain changes it, in memory;
/// storage gets it with the last-used flush.
/// </summary>
[GenerateSerializer, Alias("Mentiora.KeyUsage")]
public sealed class KeyUsage
{
    /// <summary>Days kept in <see cref="Days"/>, today included.</summary>
    public const int DaysKept = 14;

    /// <summary>Refusals kept in <see cref="RecentRefusals"/>.</summary>
    public const int RecentRefusalsKept = 20;

    /// <summary>How far back refusals are counted by reason.</summary>
    public static readonly TimeSpan RefusalWindow = TimeSpan.FromHours(24);

    // Origins are chosen by whoever sends the request: without a bound, a flood of made-up origins would grow the state.
    private const int MaxRefusalCounts = 200;

    /// <summary>Accepted traces per UTC day, oldest first, at most <see cref="DaysKept"/> days.</summary>
    [Id(0)] public List<DailyTraceCount> Days { get; set; } = [];

    /// <summary>The first day of the month <see cref="MonthTotal"/> counts.</summary>
    [Id(1)] public DateOnly Month { get; set; }

    /// <summary>Accepted traces in <see cref="Month"/>.</summary>
    [Id(2)] public long MonthTotal { get; set; }

    /// <summary>Refusals per UTC hour and reason, for the last <see cref="RefusalWindow"/>.</summary>
    [Id(3)] public List<RefusalCount> Refusals { get; set; } = [];

    /// <summary>The latest refusals, newest last, at most <see cref="RecentRefusalsKept"/>.</summary>
    [Id(4)] public List<KeyRefusal> RecentRefusals { get; set; } = [];

    /// <summary>When an accepted request last used the key; null until one did.</summary>
    [Id(5)] public DateTimeOffset? LastSeenAt { get; set; }

    /// <summary>Where that request came from.</summary>
    [Id(6)] public RequestFacts? LastSeen { get; set; }

    /// <summary>Adds accepted traces on a day, dropping days that fell out of the window.</summary>
    public void AddAccepted(DateOnly day, long count, DateOnly today)
    {
        if (day > today || day <= today.AddDays(-DaysKept))
        {
            // A day outside the window (a late batch from before midnight a fortnight ago, or a skewed clock) is not shown anyway.
            return;
        }

        var index = Days.FindIndex(d => d.Day == day);
        if (index >= 0)
        {
            Days[index] = Days[index] with { Count = Days[index].Count + count };
        }
        else
        {
            Days.Add(new DailyTraceCount(day, count));
            Days.Sort((a, b) => a.Day.CompareTo(b.Day));
        }

        Days.RemoveAll(d => d.Day <= today.AddDays(-DaysKept));
        var month = new DateOnly(day.Year, day.Month, 1);
        if (month > Month)
        {
            Month = month;
            MonthTotal = 0;
        }

        if (month == Month)
        {
            MonthTotal += count;
        }
    }

    /// <summary>The oldest hour still counted at <paramref name="now"/>: the current hour and the 23 before it.</summary>
    public static DateTimeOffset FirstCountedHour(DateTimeOffset now) => HourOf(now) - RefusalWindow + TimeSpan.FromHours(1);

    private static DateTimeOffset HourOf(DateTimeOffset at) =>
        new(at.UtcDateTime.Date.AddHours(at.UtcDateTime.Hour), TimeSpan.Zero);

    /// <summary>Notes an accepted request's facts when it is newer than the last one seen.</summary>
    public void See(DateTimeOffset at, RequestFacts facts)
    {
        if (LastSeenAt is null || at >= LastSeenAt)
        {
            LastSeenAt = at;
            LastSeen = facts;
        }
    }

    /// <summary>Counts a refusal in its hour and keeps it among the latest.</summary>
    public void AddRefusal(KeyRefusal refusal, DateTimeOffset now)
    {
        var hour = HourOf(refusal.At);
        var origin = refusal.Reason == KeyRefusalReason.OriginNotAllowed ? refusal.Facts.Origin : null;
        var index = Refusals.FindIndex(r => r.Hour == hour && r.Reason == refusal.Reason && r.Origin == origin);
        if (index >= 0)
        {
            Refusals[index] = Refusals[index] with { Count = Refusals[index].Count + 1 };
        }
        else
        {
            Refusals.Add(new RefusalCount(hour, refusal.Reason, origin, 1));
        }

        var firstHour = FirstCountedHour(now);
        Refusals.RemoveAll(r => r.Hour < firstHour);
        if (Refusals.Count > MaxRefusalCounts)
        {
            Refusals.Sort((a, b) => a.Hour.CompareTo(b.Hour));
            Refusals.RemoveRange(0, Refusals.Count - MaxRefusalCounts);
        }

        RecentRefusals.Add(refusal);
        RecentRefusals.Sort((a, b) => a.At.CompareTo(b.At));
        if (RecentRefusals.Count > RecentRefusalsKept)
        {
            RecentRefusals.RemoveRange(0, RecentRefusals.Count - RecentRefusalsKept);
        }
    }
}
