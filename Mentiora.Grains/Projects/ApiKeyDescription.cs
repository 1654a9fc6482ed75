namespace Mentiora.Grains.Projects;

/// <summary>What a key may learn about itself: its project and its own name, prefix and times; never its hash or secrets.</summary>
[GenerateSerializer, Immutable, Alias("Mentiora.ApiKeyDescription")]
public sealed record ApiKeyDescription(
    [property: Id(0)] Guid ProjectId,
    [property: Id(1)] string ProjectName,
    [property: Id(2)] string KeyName,
    [property: Id(3)] string Prefix,
    [property: Id(4)] DateTimeOffset CreatedAt,
    [property: Id(5)] DateTimeOffset? LastUsedAt,
    [property: Id(6)] DateTimeOffset? ExpiresAt = null);
