namespace Mentiora.Grains.Projects;

/// <summary>Why a browser request with a publishable key was or was not let in.</summary>
[GenerateSerializer, Alias("Mentiora.BrowserAuthenticationOutcome")]
public enum BrowserAuthenticationOutcome
{
    /// <summary>The key, the origin and the identity token (if any) are good.</summary>
    Authenticated,

    /// <summary>The project has no key with this publishable key (revoked, or never existed).</summary>
    UnknownKey,

    /// <summary>The page's origin is not one of the key's allowed origins.</summary>
    OriginNotAllowed,

    /// <summary>The identity token is malformed, not signed with the key's secret, or breaks a rule.</summary>
    IdentityTokenInvalid,

    /// <summary>The identity token was good but has expired.</summary>
    IdentityTokenExpired,

    /// <summary>The publishable key's API key has passed its expiry time.</summary>
    KeyExpired,

    /// <summary>The publishable key belonged to an API key revoked lately (its tombstone is kept).</summary>
    KeyRevoked = 40,
    /// <summary>The publishable key was replaced by a roll and its overlap has ended.</summary>
    PublishableKeyReplaced = 30,
}
