using System.Net;
using System.Threading.RateLimiting;
using Mentiora.Web.Configuration;

namespace Mentiora.Web.Security;

/// <summary>
/// The limits on guessing: failed authentications per IP address, and sign-in attempts per
/// account and per address. Counted per silo, in memory: a cluster of N silos allows up to N
/// times as much. (The per-key request rate is ASP.NET Core's rate limiter, see <see cref="KeyRateLimit"/>.)
/// </summary>
/// <remarks>
/// These stay beside the middleware rather than in it: the middleware takes a permit before the
/// request runs, but failed authentications are known only after the key was checked (good keys
/// must cost nothing), and a sign-in counts against the account named in the form, read by the page.
/// </remarks>
public sealed class AbuseLimits : IDisposable
{
    /// <summary>How long a spent budget takes to refill: the window of every limit here.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly PartitionedRateLimiter<IPAddress> _failedAuthentications;
    private readonly PartitionedRateLimiter<string> _signInsPerAccount;
    private readonly PartitionedRateLimiter<IPAddress> _signInsPerAddress;

    public AbuseLimits(IConfiguration configuration)
    {
        _failedAuthentications = PerMinute<IPAddress>(configuration.GetValue(SettingKeys.FailedAuthenticationsPerIpPerMinute, 300));
        var signIns = configuration.GetValue(SettingKeys.SignInAttemptsPerMinute, 10);
        _signInsPerAccount = PerMinute<string>(signIns);
        _signInsPerAddress = PerMinute<IPAddress>(signIns * 3);
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
        _failedAuthentications.Dispose();
        _signInsPerAccount.Dispose();
        _signInsPerAddress.Dispose();
    }

    private static PartitionedRateLimiter<T> PerMinute<T>(int permits)
        where T : notnull =>
        PartitionedRateLimiter.Create<T, T>(partition => RateLimitPartition.GetFixedWindowLimiter(partition, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = Math.Max(1, permits),
            Window = Window,
            QueueLimit = 0,
        }));
}
