namespace Mentiora.Grains.KeyDirectory;

/// <summary>The project and key that a directory entry points to.</summary>
[GenerateSerializer, Immutable, Alias("Mentiora.KeyOwner")]
public sealed record KeyOwner(
    [property: Id(0)] Guid ProjectId,
    [property: Id(1)] Guid KeyId);
