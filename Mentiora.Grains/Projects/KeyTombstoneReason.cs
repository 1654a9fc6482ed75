namespace Mentiora.Grains.Projects;

/// <summary>Why a remembered key stopped working; stored by number, so values are never renumbered.</summary>
[GenerateSerializer, Alias("Mentiora.KeyTombstoneReason")]
public enum KeyTombstoneReason
{
    /// <summary>A member revoked the key while it still worked.</summary>
    Revoked = 1,

    /// <summary>The key had passed its expiry time when it was revoked.</summary>
    Expired = 2,

    /// <summary>The old key of a rolled key: its grace period ended, or it was ended by another roll.</summary>
    Replaced = 3,
}
