namespace Mentiora.Grains.Projects;

/// <summary>Whether changing how long a project keeps its traces took effect, and why not.</summary>
[GenerateSerializer, Alias("Mentiora.TraceRetentionOutcome")]
public enum TraceRetentionOutcome
{
    /// <summary>The project keeps its traces for the new number of days from now on.</summary>
    Changed,

    /// <summary>The project kept its traces for that many days already.</summary>
    Unchanged,

    /// <summary>Only the owner may change it.</summary>
    NotOwner,

    /// <summary>The number of days is none of <see cref="TraceRetention.Choices"/>.</summary>
    NotAChoice,

    /// <summary>The project does not exist or the acting user is not a member.</summary>
    NotFound,
}
