namespace Mentiora.Grains.KeyDirectory;

/// <summary>
/// One cluster-wide directory entry, keyed <c>sk:&lt;prefix&gt;</c> or <c>pk:&lt;publishable key&gt;</c>
/// (see <see cref="KeyDirectoryKeys"/>): which project's key that public identifier belongs to.
/// </summary>
[Alias("Mentiora.IKeyDirectoryGrain")]
public interface IKeyDirectoryGrain : IGrainWithStringKey
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

    /// <summary>Keeps the entry with a revoked key until the given moment, then frees it; does nothing if another key holds it.</summary>
    [Alias("Retire")]
    Task Retire(KeyOwner owner, DateTimeOffset until);
}
