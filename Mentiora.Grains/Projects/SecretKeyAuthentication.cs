namespace Mentiora.Grains.Projects;

/// <summary>The answer to a request with a secret key: who it speaks for, or why it was refused and since when.</summary>
[GenerateSerializer, Immutable, Alias("Mentiora.SecretKeyAuthentication")]
public sealed record SecretKeyAuthentication(
    [property: Id(0)] SecretKeyAuthenticationOutcome Outcome,
    [property: Id(1)] AuthenticatedApiKey? Key,
    [property: Id(2)] DateTimeOffset? ExpiredAt,
    [property: Id(40)] DateTimeOffset? RevokedAt = null,
    [property: Id(20)] DateTimeOffset? ReplacedAt = null);
