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
/// <remarks>
/// It also remembers, briefly, keys that turned out to be no key at all, so a client repeating an
/// unknown key costs no grain call. Those entries are keyed by the whole key (a secret key's
/// SHA-256, a publishable key itself), never by a prefix: a key created later is a new random
/// value that no earlier request can have sent, so it is never found here and works at once on
/// every silo. A key that exists is never remembered as unknown, so revocation stays immediate;
/// a revoked key found unknown stays unknown.
/// </remarks>
public sealed class KeyOwnerCache : IDisposable
{
    // Bounds memory against clients cycling through many valid keys; refilling costs one call each.
    private const int Capacity = 100_000;

    // Bounds memory against a flood of random keys: beyond this, new unknown keys are simply asked about again.
    private const int UnknownCapacity = 10_000;

    // Long enough that a client retrying the same wrong key (the SDKs retry nothing on 401, loops do) asks once;
    // short enough that the entry, were it ever wrong, would not matter for long.
    private static readonly TimeSpan UnknownLifetime = TimeSpan.FromSeconds(30);

    // Marks an unknown key that no project owns, since a cache entry's value cannot say "nobody".
    private static readonly object NoOwner = new();

    // A cache of its own: a size limit obliges every entry to state its size, which entries
    // other parts of the app might put in a shared IMemoryCache would not.
    private readonly MemoryCache _owners = new(new MemoryCacheOptions { SizeLimit = Capacity });

    private readonly MemoryCache _unknown = new(new MemoryCacheOptions { SizeLimit = UnknownCapacity });

    private static readonly MemoryCacheEntryOptions Entry = new() { Size = 1 };

    private static readonly MemoryCacheEntryOptions UnknownEntry = new() { Size = 1, AbsoluteExpirationRelativeToNow = UnknownLifetime };

    /// <summary>The owner last seen for the entry, if this silo remembers one.</summary>
    public bool TryGet(string directoryKey, out KeyOwner owner) => _owners.TryGetValue(directoryKey, out owner!);

    /// <summary>Remembers the owner a project grain has just confirmed.</summary>
    public void Remember(string directoryKey, KeyOwner owner) => _owners.Set(directoryKey, owner, Entry);

    /// <summary>Forgets an owner that no longer knows the key.</summary>
    public void Forget(string directoryKey) => _owners.Remove(directoryKey);

    /// <summary>
    /// True when the key was found to be no key shortly before; <paramref name="owner"/> is the
    /// project whose key prefix it carried, if any, so the refusal can still be shown to that project.
    /// </summary>
    public bool IsUnknown(string unknownKey, out KeyOwner? owner)
    {
        if (_unknown.TryGetValue(unknownKey, out var value))
        {
            owner = value as KeyOwner;
            return true;
        }

        owner = null;
        return false;
    }

    /// <summary>Remembers for a short while that the key is no key (of <paramref name="owner"/>, whose prefix it carried, or of anyone).</summary>
    public void RememberUnknown(string unknownKey, KeyOwner? owner) => _unknown.Set(unknownKey, owner ?? NoOwner, UnknownEntry);

    public void Dispose()
    {
        _owners.Dispose();
        _unknown.Dispose();
    }
}
