using System.Net;
using System.Threading.RateLimiting;
using Mentiora.Web.Configuration;

namespace Mentiora.Web.Security;

/// <summary>
/// The limits that keep one caller from hurting everyone: requests per key (off by default),
/// failed authentications per IP address, and sign-in attempts per account and per address.
/// Counted per silo, in memory: a cluster of N silos allows up to N times as much.
/// </summary>
public sealed class AbuseLimits : IDisposable
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    private readonly PartitionedRateLimiter<Guid>? _perKey;
    private readonly PartitionedRateLimiter<IPAddress> _failedAuthentications;
    private readonly PartitionedRateLimiter<string> _signInsPerAccount;
    private readonly PartitionedRateLimiter<IPAddress> _signInsPerAddress;

    public AbuseLimits(IConfiguration configuration)
    {
        var perKey = configuration.GetValue(SettingKeys.KeyRequestsPerSecond, 0);
        if (perKey > 0)
        {
            _perKey = PartitionedRateLimiter.Create<Guid, Guid>(key => RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = perKey,
                TokensPerPeriod = perKey,
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                QueueLimit = 0,
            }));
        }

        _failedAuthentications = PerMinute<IPAddress>(configuration.GetValue(SettingKeys.FailedAuthenticationsPerIpPerMinute, 300));
        var signIns = configuration.GetValue(SettingKeys.SignInAttemptsPerMinute, 10);
        _signInsPerAccount = PerMinute<string>(signIns);
        _signInsPerAddress = PerMinute<IPAddress>(signIns * 3);
    }

    /// <summary>Takes one request from the key's budget; false when the key is over its rate.</summary>
    public bool TryKeyRequest(Guid keyId)
    {
        if (_perKey is null)
        {
            return true;
        }

        using var lease = _perKey.AttemptAcquire(keyId);
        return lease.IsAcquired;
    }

    /// <summary>True while the address has failed authentication too often; its requests are refused unchecked.</summary>
    public bool IsBlockedForFailedAuthentications(IPAddress? address) =>
        address is not null && _failedAuthentications.GetStatistics(address)?.CurrentAvailablePermits == 0;

    /// <summary>Counts one failed authentication from the address.</summary>
    public void FailedAuthentication(IPAddress? address)
    {
        if (address is not null)
        {
            _failedAuthentications.AttemptAcquire(address).Dispose();
        }
    }

    /// <summary>Takes one sign-in attempt from the account's and the address's budgets; false when either is spent.</summary>
    public bool TrySignIn(string accountKey, IPAddress? address)
    {
        using var account = _signInsPerAccount.AttemptAcquire(accountKey);
        using var from = address is null ? null : _signInsPerAddress.AttemptAcquire(address);
        return account.IsAcquired && (from?.IsAcquired ?? true);
    }

    public void Dispose()
    {
        _perKey?.Dispose();
        _failedAuthentications.Dispose();
        _signInsPerAccount.Dispose();
        _signInsPerAddress.Dispose();
    }

    private static PartitionedRateLimiter<T> PerMinute<T>(int permits)
        where T : notnull =>
        PartitionedRateLimiter.Create<T, T>(partition => RateLimitPartition.GetFixedWindowLimiter(partition, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = Math.Max(1, permits),
            Window = Minute,
            QueueLimit = 0,
        }));
}
