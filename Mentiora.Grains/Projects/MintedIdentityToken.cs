using Mentiora.Grains.Secrets;

namespace Mentiora.Grains.Projects;

/// <summary>An identity token signed with a key's signing secret, and when it expires.</summary>
[GenerateSerializer, Immutable, Alias("Mentiora.MintedIdentityToken")]
public sealed record MintedIdentityToken(
    [property: Id(0)] SecretText Token,
    [property: Id(1)] DateTimeOffset ExpiresAt);
