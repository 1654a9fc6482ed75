namespace Mentiora.Grains.Projects;

/// <summary>What the key list shows about a rolled key's old key while it still works: never its hash.</summary>
[GenerateSerializer, Immutable, Alias("Mentiora.PredecessorSummary")]
public sealed record PredecessorSummary(
    [property: Id(0)] Guid Id,
    [property: Id(1)] string Prefix,
    [property: Id(2)] DateTimeOffset CreatedAt,
    [property: Id(3)] DateTimeOffset? LastUsedAt,
    [property: Id(4)] DateTimeOffset RolledAt,
    [property: Id(5)] DateTimeOffset StopsWorkingAt)
{
    /// <summary>True while the old key still authenticates at the given time.</summary>
    public bool WorksAt(DateTimeOffset now) => now < StopsWorkingAt;
}
