namespace Mentiora.Grains.Projects;

/// <summary>Why a secret key was or was not let in.</summary>
[GenerateSerializer, Alias("Mentiora.SecretKeyAuthenticationOutcome")]
public enum SecretKeyAuthenticationOutcome
{
    /// <summary>The key is one of the project's and still works.</summary>
    Authenticated,

    /// <summary>No key of the project matches (revoked, mistyped, or never existed).</summary>
    UnknownKey,

    /// <summary>The key matches, but its expiry time has passed.</summary>
    Expired,

    /// <summary>The key matches one revoked lately (its tombstone is kept): the holder is told when.</summary>
    Revoked = 40,
    /// <summary>The key matches a rolled key's old key whose grace period has ended; the answer carries the day of the roll.</summary>
    Replaced = 20,
}
