namespace Mentiora.Grains.Projects;

/// <summary>Why a create did or did not produce a key.</summary>
[GenerateSerializer, Alias("Mentiora.CreateApiKeyOutcome")]
public enum CreateApiKeyOutcome
{
    /// <summary>The key was created.</summary>
    Created,

    /// <summary>The project already has the maximum number of keys.</summary>
    LimitReached,

    /// <summary>The name is longer than allowed.</summary>
    NameTooLong,

    /// <summary>The project does not exist or the acting user is not a member.</summary>
    NotFound,

    /// <summary>A key was created with this form already (it was sent again): nothing was created, and that key cannot be shown again.</summary>
    AlreadyCreated,
}
