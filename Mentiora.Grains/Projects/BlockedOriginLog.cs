namespace Mentiora.Grains.Projects;

/// <summary>The rules of a key's list of origins it did not accept: a window of days, a bound on its length, least recently seen dropped first.</summary>
public static class BlockedOriginLog
{
    /// <summary>Days the list covers: today (UTC) and the days before it.</summary>
    public const int WindowDays = 7;

    /// <summary>Most origins kept per key, so a script sending made-up origins cannot grow the project's state.</summary>
    public const int MaxOrigins = 50;

    /// <summary>Counts one request from an origin the key's allowed origins did not accept.</summary>
    public static void Record(List<BlockedOrigin> log, string origin, DateTimeOffset now, bool letThrough)
    {
        ArgumentNullException.ThrowIfNull(log);
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var entry = log.Find(e => e.Origin == origin);
        if (entry is null)
        {
            log.RemoveAll(e => !IsRecent(e, today));
            if (log.Count >= MaxOrigins)
            {
                log.Remove(log.MinBy(e => e.LastSeen)!);
            }

            entry = new BlockedOrigin { Origin = origin };
            log.Add(entry);
        }

        foreach (var day in entry.CountsByDay.Keys.Where(day => !InWindow(day, today)).ToArray())
        {
            entry.CountsByDay.Remove(day);
        }

        entry.CountsByDay[today] = entry.CountsByDay.GetValueOrDefault(today) + 1;
        entry.LastSeen = now;
        entry.LastLetThrough = letThrough;
    }

    /// <summary>The origins seen within the window, most recently seen first, with their counts within it.</summary>
    public static BlockedOriginSummary[] Recent(IEnumerable<BlockedOrigin> log, DateTimeOffset now)
    {
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        return log
            .Where(e => IsRecent(e, today))
            .OrderByDescending(e => e.LastSeen)
            .Select(e => new BlockedOriginSummary(
                e.Origin, e.CountsByDay.Where(d => InWindow(d.Key, today)).Sum(d => d.Value), e.LastSeen, e.LastLetThrough))
            .ToArray();
    }

    private static bool IsRecent(BlockedOrigin entry, DateOnly today) => InWindow(DateOnly.FromDateTime(entry.LastSeen.UtcDateTime), today);

    private static bool InWindow(DateOnly day, DateOnly today) => day > today.AddDays(-WindowDays);
}
