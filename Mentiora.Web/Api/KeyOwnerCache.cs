using System.Collections.Concurrent;
using Mentiora.Grains.KeyDirectory;

namespace Mentiora.Web.Api;

/// <summary>
/// Remembers, per silo, which project a key prefix or publishable key belongs to, so that a
/// request costs one grain call (the project's check) instead of two. Safe because the cache only
/// says where to ask, never whether a key is valid: the project grain still checks every request,
/// and a revoked key is refused there at once. When the project no longer knows the key, the
/// handler forgets the entry and asks the directory again.
/// </summary>
public sealed class KeyOwnerCache
{
    // Bounds memory against clients cycling through many valid keys; refilling costs one call each.
    private const int Capacity = 100_000;

    private readonly ConcurrentDictionary<string, KeyOwner> _owners = new(StringComparer.Ordinal);

    public bool TryGet(string directoryKey, out KeyOwner owner) => _owners.TryGetValue(directoryKey, out owner!);

    public void Remember(string directoryKey, KeyOwner owner)
    {
        if (_owners.Count >= Capacity)
        {
            _owners.Clear();
        }

        _owners[directoryKey] = owner;
    }

    public void Forget(string directoryKey) => _owners.TryRemove(directoryKey, out _);
}
