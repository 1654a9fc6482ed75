namespace Mentiora.Grains.Directory;

/// <summary>One cluster-wide directory entry: which project's key a public identifier belongs to.</summary>
[Alias("Mentiora.IKeyDirectoryEntry")]
public interface IKeyDirectoryEntry : IGrainWithStringKey
{
    /// <summary>Claims the entry for a key; false when another key already holds it.</summary>
    [Alias("Claim")]
    Task<bool> Claim(KeyOwner owner);

    /// <summary>The key holding this entry, or null.</summary>
    [Alias("GetOwner")]
    Task<KeyOwner?> GetOwner();

    /// <summary>Frees the entry if the given key holds it.</summary>
    [Alias("Release")]
    Task Release(KeyOwner owner);
}
