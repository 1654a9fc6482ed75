namespace Mentiora.Grains.Projects;

/// <summary>What the key list shows about a key: never its hash, plaintext or signing secret.</summary>
[GenerateSerializer, Immutable, Alias("Mentiora.ApiKeySummary")]
public sealed record ApiKeySummary(
    [property: Id(0)] Guid Id,
    [property: Id(1)] string Name,
    [property: Id(2)] string Prefix,
    [property: Id(3)] string PublishableKey,
    [property: Id(4)] IReadOnlyList<string> AllowedOrigins,
    [property: Id(5)] DateTimeOffset CreatedAt,
    [property: Id(6)] DateTimeOffset? LastUsedAt,
    [property: Id(7)] DateTimeOffset? ExpiresAt = null,
    [property: Id(20)] PredecessorSummary? Predecessor = null)
{
    /// <summary>True when the key has stopped working by the given time; its row stays until it is revoked.</summary>
    public bool IsExpiredAt(DateTimeOffset now) => ExpiresAt is { } expiresAt && now >= expiresAt;
}
