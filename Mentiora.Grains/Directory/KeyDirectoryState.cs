namespace Mentiora.Grains.Directory;

/// <summary>What a directory entry keeps in storage.</summary>
[GenerateSerializer, Alias("Mentiora.KeyDirectoryState")]
public sealed class KeyDirectoryState
{
    /// <summary>Who holds this entry; null when it is free.</summary>
    [Id(0)] public KeyOwner? Owner { get; set; }
}
