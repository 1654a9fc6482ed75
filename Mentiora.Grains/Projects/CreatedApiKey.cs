using Mentiora.Grains.Secrets;

namespace Mentiora.Grains.Projects;

/// <summary>A key just created: the only time its plaintext and signing secret leave the grain.</summary>
[GenerateSerializer, Immutable, Alias("Mentiora.CreatedApiKey")]
public sealed record CreatedApiKey(
    [property: Id(0)] ApiKeySummary Summary,
    [property: Id(1)] SecretText Key,
    [property: Id(2)] SecretText SigningSecret);
