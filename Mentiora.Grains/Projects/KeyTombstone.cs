namespace Mentiora.Grains.Projects;

/// <summary>
/// What a project remembers of a revoked key so its holder can be told what happened and when:
/// hashes only, never the key or its publishable key. See <see cref="KeyTombstones"/>.
/// </summary>
[GenerateSerializer, Alias("Mentiora.KeyTombstone")]
public sealed class KeyTombstone
{
    /// <summary>Id the key had, so its directory entries are recognised as this project's.</summary>
    [Id(0)] public Guid KeyId { get; set; }

    /// <summary>First 8 characters of the secret key, as listed while it existed.</summary>
    [Id(1)] public string Prefix { get; set; } = string.Empty;

    /// <summary>SHA-256 of the secret key.</summary>
    [Id(2)] public byte[] Hash { get; set; } = [];

    /// <summary>SHA-256 of the publishable key that went with it.</summary>
    [Id(3)] public byte[] PublishableKeyHash { get; set; } = [];

    /// <summary>Why the key stopped working.</summary>
    [Id(4)] public KeyTombstoneReason Reason { get; set; }

    /// <summary>When it stopped working: the revocation, or its expiry time for a key that had expired first.</summary>
    [Id(5)] public DateTimeOffset At { get; set; }

    /// <summary>When the project forgets the key (and its directory entries become free again).</summary>
    [Id(6)] public DateTimeOffset KeptUntil { get; set; }
}
