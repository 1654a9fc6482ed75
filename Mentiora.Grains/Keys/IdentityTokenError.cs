namespace Mentiora.Grains.Keys;

/// <summary>Why an identity token was refused: the rule, and the claim's name when the rule is about one claim.</summary>
[GenerateSerializer, Immutable, Alias("Mentiora.IdentityTokenError")]
public sealed record IdentityTokenError(
    [property: Id(0)] IdentityTokenProblem Problem,
    [property: Id(1)] string? Claim = null,
    [property: Id(30)] DateTimeOffset? ReplacedAt = null);
