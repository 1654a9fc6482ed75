using Mentiora.Grains.Secrets;

namespace Mentiora.Grains.Projects;

/// <summary>
/// A project as the machine API sees it, keyed by its id: checks the keys requests carry, notes
/// their use and signs identity tokens. No acting account: the key is the credential.
/// </summary>
[Alias("Mentiora.IProjectApiGrain")]
public interface IProjectApiGrain : IGrainWithGuidKey
{
    /// <summary>Checks a key's SHA-256 against the key with that prefix and its expiry against the grain's clock; notes the use of a key that works.</summary>
    [Alias("Authenticate")]
    Task<SecretKeyAuthentication> Authenticate(string prefix, byte[] keyHash);

    /// <summary>Checks a browser request: the publishable key, the page's origin and the optional identity token; notes the use.</summary>
    [Alias("AuthenticateBrowser")]
    Task<BrowserAuthentication> AuthenticateBrowser(string publishableKey, string? origin, SecretText? identityToken);

    /// <summary>Signs an identity token for an end user with the key's signing secret; null when the key is gone.</summary>
    [Alias("MintIdentityToken")]
    Task<MintedIdentityToken?> MintIdentityToken(Guid keyId, Keys.EndUser user, TimeSpan lifetime);

    /// <summary>Describes an authenticated key to its holder (whoami); null when the key is gone.</summary>
    [Alias("Describe")]
    Task<ApiKeyDescription?> Describe(Guid keyId);

    /// <summary>Adds what one silo counted for this project's keys (accepted traces, refusals); refusals naming no key of this project are dropped.</summary>
    [Alias("RecordUsage")]
    Task RecordUsage(Usage.UsageReport report);
}
