using Mentiora.Grains.Keys;

namespace Mentiora.Grains.Projects;

/// <summary>The answer to a browser request: who it speaks for and the end user, or why it was refused.</summary>
[GenerateSerializer, Immutable, Alias("Mentiora.BrowserAuthentication")]
public sealed record BrowserAuthentication(
    [property: Id(0)] BrowserAuthenticationOutcome Outcome,
    [property: Id(1)] AuthenticatedApiKey? Key,
    [property: Id(2)] EndUser? User,

    // Id(3) carried the refusal as English text; it stays unused so that, while silos of both
    // versions run side by side, each skips the other's field instead of misreading it.
    [property: Id(4)] IdentityTokenError? TokenError,
    [property: Id(5)] DateTimeOffset? KeyExpiredAt = null,
    [property: Id(40)] DateTimeOffset? KeyRevokedAt = null,
    [property: Id(30)] DateTimeOffset? PublishableKeyReplacedAt = null);
