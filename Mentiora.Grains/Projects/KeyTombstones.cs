using Mentiora.Grains.Keys;

namespace Mentiora.Grains.Projects;

/// <summary>
/// The rules of remembered revoked keys: kept for <see cref="Kept"/>, at most <see cref="MaxKept"/>
/// per project, and found only by the whole key (its hash), so a prefix or a guess learns nothing.
/// </summary>
public static class KeyTombstones
{
    /// <summary>How long a revoked key's holder is told what happened to it.</summary>
    public static readonly TimeSpan Kept = TimeSpan.FromDays(90);

    /// <summary>Most revoked keys a project remembers, so its state stays small; the oldest go first.</summary>
    public const int MaxKept = 100;

    /// <summary>Remembers a key being revoked now, forgetting the tombstones that ended and those beyond <see cref="MaxKept"/>.</summary>
    public static KeyTombstone Add(List<KeyTombstone> tombstones, StoredApiKey key, bool expired, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Keep(tombstones, new KeyTombstone
        {
            KeyId = key.Id,
            Prefix = key.Prefix,
            Hash = key.Hash,
            PublishableKeyHash = ApiKeyMaterial.Hash(key.PublishableKey),
            Reason = expired ? KeyTombstoneReason.Expired : KeyTombstoneReason.Revoked,
            At = expired && key.ExpiresAt is { } expiresAt ? expiresAt : now,
            KeptUntil = now + Kept,
        }, now);
    }

    /// <summary>
    /// Remembers the old key of rolled key <paramref name="keyId"/> as its record goes (the key is revoked or rolled again):
    /// still in its grace period it was ended now (revoked), past it it had been replaced by the roll.
    /// It has no publishable key of its own, so only the secret key is matched.
    /// </summary>
    public static KeyTombstone AddPredecessor(List<KeyTombstone> tombstones, Guid keyId, KeyPredecessor predecessor, bool revoked, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(predecessor);
        var ended = now >= predecessor.StopsWorkingAt || !revoked;
        return Keep(tombstones, new KeyTombstone
        {
            KeyId = keyId,
            Prefix = predecessor.Prefix,
            Hash = predecessor.Hash,
            Reason = ended ? KeyTombstoneReason.Replaced : KeyTombstoneReason.Revoked,
            At = ended ? predecessor.RolledAt : now,
            KeptUntil = (ended && predecessor.StopsWorkingAt < now ? predecessor.StopsWorkingAt : now) + Kept,
        }, now);
    }

    private static KeyTombstone Keep(List<KeyTombstone> tombstones, KeyTombstone tombstone, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(tombstones);
        Prune(tombstones, now);
        if (tombstones.Count >= MaxKept)
        {
            tombstones.RemoveRange(0, tombstones.Count - MaxKept + 1);
        }

        tombstones.Add(tombstone);
        return tombstone;
    }

    /// <summary>Forgets the tombstones whose time is over.</summary>
    public static void Prune(List<KeyTombstone> tombstones, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(tombstones);
        tombstones.RemoveAll(t => t.KeptUntil <= now);
    }

    /// <summary>The tombstone of the secret key with this prefix and hash, while it is kept; null otherwise.</summary>
    public static KeyTombstone? FindSecretKey(List<KeyTombstone> tombstones, string prefix, byte[] keyHash, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(tombstones);
        foreach (var tombstone in tombstones)
        {
            // Decided from the clock like expiry, so a tombstone ends on every silo at the same moment.
            if (tombstone.Prefix == prefix && tombstone.KeptUntil > now && ApiKeyMaterial.HashesMatch(tombstone.Hash, keyHash))
            {
                return tombstone;
            }
        }

        return null;
    }

    /// <summary>The tombstone of the key this publishable key belonged to, while it is kept; null otherwise.</summary>
    public static KeyTombstone? FindPublishableKey(List<KeyTombstone> tombstones, string publishableKey, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(tombstones);
        if (tombstones.Count == 0 || !ApiKeyMaterial.LooksLikePublishableKey(publishableKey))
        {
            return null;
        }

        var hash = ApiKeyMaterial.Hash(publishableKey);
        // A rolled key's old key has no publishable key of its own (an empty hash, which matches nothing).
        return tombstones.Find(t => t.KeptUntil > now && t.PublishableKeyHash.Length > 0 && ApiKeyMaterial.HashesMatch(t.PublishableKeyHash, hash));
    }
}
