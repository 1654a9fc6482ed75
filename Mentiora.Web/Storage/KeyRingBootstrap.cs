using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Npgsql;

namespace Mentiora.Web.Storage;

/// <summary>
/// Makes sure the shared Data Protection key ring has a key before the app serves anyone. Left
/// to itself, every silo starting on an empty database would create its own first key, and a
/// cookie from one silo could be unreadable on another until the rings converge.
/// </summary>
public static class KeyRingBootstrap
{
    // Distinct from the schema lock, so a long migration never waits on this or the other way round.
    private const long KeyRingLockKey = 0x6d656e74696f726b;

    // A key this close to expiry is about to be replaced anyway; the key manager takes care of that.
    private static readonly TimeSpan MinimumRemainingLifetime = TimeSpan.FromDays(2);

    /// <summary>Creates the first key when there is none, one silo at a time.</summary>
    public static async Task EnsureKeyAsync(IServiceProvider services, StorageSettings storage, CancellationToken cancellationToken = default)
    {
        var keys = services.GetRequiredService<IKeyManager>();
        var clock = services.GetRequiredService<TimeProvider>();
        if (storage.Mode != StorageMode.Postgres)
        {
            EnsureKey(keys, clock.GetUtcNow());
            return;
        }

        await using var connection = new NpgsqlConnection(storage.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using (var take = new NpgsqlCommand($"SELECT pg_advisory_lock({KeyRingLockKey})", connection))
        {
            await take.ExecuteNonQueryAsync(cancellationToken);
        }

        try
        {
            // Read under the lock: a silo that started a moment earlier may have just created the key.
            EnsureKey(keys, clock.GetUtcNow());
        }
        finally
        {
            await using var release = new NpgsqlCommand($"SELECT pg_advisory_unlock({KeyRingLockKey})", connection);
            await release.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    private static void EnsureKey(IKeyManager keys, DateTimeOffset now)
    {
        var usable = keys.GetAllKeys().Any(k => !k.IsRevoked && k.ActivationDate <= now && k.ExpirationDate > now + MinimumRemainingLifetime);
        if (!usable)
        {
            keys.CreateNewKey(now, now.AddDays(90));
        }
    }
}
