namespace Mentiora.Grains.Projects;

/// <summary>Whether rolling a key's signing secret or publishable key happened.</summary>
[GenerateSerializer, Alias("Mentiora.SecretRollOutcome")]
public enum SecretRollOutcome
{
    /// <summary>The new credential replaced the old one, which works until the chosen moment.</summary>
    Rolled,

    /// <summary>The key does not exist or the acting user is not a member.</summary>
    NotFound,

    /// <summary>This one-time form rolled the signing secret already (it was sent again): nothing changed, and that secret cannot be shown again.</summary>
    AlreadyRolled,
}
