using Mentiora.Grains.KeyDirectory;
using Microsoft.Extensions.Caching.Memory;

namespace Mentiora.Web.Api;

/// <summary>
/// Remembers, per silo, which project a directory entry (<c>sk:&lt;prefix&gt;</c> or
/// <c>pk:&lt;publishable key&gt;</c>) belongs to, so that a request costs one grain call (the
/// project's check) instead of two. Safe because the cache only says where to ask, never whether
/// a key is valid: the project grain still checks every request, and a revoked key is refused
/// there at once. When the project no longer knows the key, the handler forgets the entry and
/// asks the directory again.
/// </summary>
public sealed class KeyOwnerCache : IDisposable
{
    // Bounds memory against clients cycling through many valid keys; refilling costs one call each.
    private const int Capacity = 100_000;

    // A cache of its own: a size limit obliges every entry to state its size, which entries
    // other parts of the app might put in a shared IMemoryCache would not.
    private readonly MemoryCache _owners = new(new MemoryCacheOptions { SizeLimit = Capacity });

    private static readonly MemoryCacheEntryOptions Entry = new() { Size = 1 };

    /// <summary>The owner last seen for the entry, if this silo remembers one.</summary>
    public bool TryGet(string directoryKey, out KeyOwner owner) => _owners.TryGetValue(directoryKey, out owner!);

    /// <summary>Remembers the owner a project grain has just confirmed.</summary>
    public void Remember(string directoryKey, KeyOwner owner) => _owners.Set(directoryKey, owner, Entry);

    /// <summary>Forgets an owner that no longer knows the key.</summary>
    public void Forget(string directoryKey) => _owners.Remove(directoryKey);

    public void Dispose() => _owners.Dispose();
}
