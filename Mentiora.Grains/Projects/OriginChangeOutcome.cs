namespace Mentiora.Grains.Projects;

/// <summary>Whether a key's allowed origins (or its report-only switch) changed, and why not.</summary>
[GenerateSerializer, Alias("Mentiora.OriginChangeOutcome")]
public enum OriginChangeOutcome
{
    /// <summary>The origin list or the switch changed.</summary>
    Done,

    /// <summary>The project, the key or the membership does not exist.</summary>
    NotFound,

    /// <summary>The text is not a valid origin; the result says why.</summary>
    Invalid,

    /// <summary>The key already allows this origin (or no longer has it, when removing; or the switch is already so).</summary>
    Unchanged,

    /// <summary>The key has the most origins it may have.</summary>
    TooMany,
}
