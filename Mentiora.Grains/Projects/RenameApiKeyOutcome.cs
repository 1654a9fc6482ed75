namespace Mentiora.Grains.Projects;

/// <summary>Whether a rename took effect.</summary>
[GenerateSerializer, Alias("Mentiora.RenameApiKeyOutcome")]
public enum RenameApiKeyOutcome
{
    /// <summary>The key has its new name.</summary>
    Renamed,

    /// <summary>The project has no such key, or the acting user is not a member.</summary>
    NotFound,

    /// <summary>The name is longer than allowed.</summary>
    NameTooLong,
}
