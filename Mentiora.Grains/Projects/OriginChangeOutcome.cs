namespace Mentiora.Grains.Projects;

/// <summary>Whether an allowed origin was added or removed, and why not.</summary>
[GenerateSerializer, Alias("Mentiora.OriginChangeOutcome")]
public enum OriginChangeOutcome
{
    /// <summary>The origin list changed.</summary>
    Done,

    /// <summary>The project, the key or the membership does not exist.</summary>
    NotFound,

    /// <summary>The text is not a valid origin; the result says why.</summary>
    Invalid,

    /// <summary>The key already allows this origin (or no longer has it, when removing).</summary>
    Unchanged,

    /// <summary>The key has the most origins it may have.</summary>
    TooMany,
}
