namespace Mentiora.Grains.Projects;

/// <summary>Whether adding or removing a member took effect, and why not.</summary>
[GenerateSerializer, Alias("Mentiora.MemberChangeOutcome")]
public enum MemberChangeOutcome
{
    /// <summary>The member was added or removed.</summary>
    Done,

    /// <summary>The project does not exist or the acting user is not a member.</summary>
    NotFound,

    /// <summary>Only the owner may change members.</summary>
    NotOwner,

    /// <summary>No account has this address.</summary>
    NoSuchUser,

    /// <summary>The user is already a member (when adding) or is not one (when removing).</summary>
    Unchanged,

    /// <summary>The owner cannot be removed.</summary>
    IsOwner,
}
