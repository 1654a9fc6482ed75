namespace Mentiora.Grains.KeyDirectory;

/// <summary>What a directory entry keeps in storage.</summary>
[GenerateSerializer, Alias("Mentiora.KeyDirectoryState")]
public sealed class KeyDirectoryState
{
    /// <summary>Who holds this entry; null when it is free.</summary>
    [Id(0)] public KeyOwner? Owner { get; set; }

    /// <summary>
    /// True once the entry stored under the grain types used before one directory grain existed has
    /// been taken over (or found absent), so a released entry never comes back from there.
    /// </summary>
    [Id(1)] public bool LegacyEntryTakenOver { get; set; }

    /// <summary>
    /// For the entry of a revoked key: until when it stays with that key (so its holder can still be
    /// told what happened); from then on the entry is free. Null for the entry of a working key.
    /// </summary>
    [Id(60)] public DateTimeOffset? RetiredUntil { get; set; }
}
