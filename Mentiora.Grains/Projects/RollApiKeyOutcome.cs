namespace Mentiora.Grains.Projects;

/// <summary>Why a roll did or did not produce a new key.</summary>
[GenerateSerializer, Alias("Mentiora.RollApiKeyOutcome")]
public enum RollApiKeyOutcome
{
    /// <summary>The key was rolled: a new key took its place and the old one works until the grace ends.</summary>
    Rolled,

    /// <summary>The project or key does not exist, or the acting user is not a member.</summary>
    NotFound,

    /// <summary>This form rolled the key already (it was sent again): nothing was rolled, and that new key cannot be shown again.</summary>
    AlreadyRolled,

    /// <summary>The key has expired: rolling it would bring a dead key back, so it is revoked instead and a new one created.</summary>
    KeyExpired,
}
