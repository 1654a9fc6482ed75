namespace Mentiora.Grains.Usage;

/// <summary>One key's usage for the dashboard: the last 14 days, the month, the last day's refusals and where it was last seen.</summary>
[GenerateSerializer, Alias("Mentiora.KeyUsageSummary")]
public sealed record KeyUsageSummary(
    [property: Id(0)] Guid KeyId,
    [property: Id(1)] string KeyName,
    [property: Id(2)] string KeyPrefix,
    [property: Id(3)] IReadOnlyList<DailyTraceCount> Days,
    [property: Id(4)] long MonthTotal,
    [property: Id(5)] IReadOnlyList<RefusalTally> Refusals,
    [property: Id(6)] IReadOnlyList<KeyRefusal> RecentRefusals,
    [property: Id(7)] DateTimeOffset? LastSeenAt,
    [property: Id(8)] RequestFacts? LastSeen);
