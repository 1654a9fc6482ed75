using System.Net;
using System.Threading.RateLimiting;
using Mentiora.Web.Configuration;

namespace Mentiora.Web.Security;

/// <summary>
/// The limits on guessing and spamming: failed authentications per IP address, sign-in attempts per
/// account and per address, and sign-ups per address. Counted per silo, in memory: a cluster of N silos allows up to N
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

    /// <summary>
    /// Most accounts or addresses each sign-in and sign-up count tracks at once (an email is capped at 254 characters before
    /// it is counted). Measured: 100,000 distinct 254-character emails from as many IPv6 networks leave 12,288 partitions
    /// in about 4.5 MiB.
    /// </summary>
    public const int MaxTrackedPartitions = 4096;

    /// <summary>Sign-ups one address may make per hour unless configured.</summary>
    public const int DefaultSignUpsPerAddressPerHour = 10;

    private static readonly TimeSpan SignUpWindow = TimeSpan.FromHours(1);

    private readonly PartitionedRateLimiter<IPAddress> _failedAuthentications;
    private readonly BoundedWindowCounter<string> _signInsPerAccount;
    private readonly BoundedWindowCounter<IPAddress> _signInsPerAddress;
    private readonly BoundedWindowCounter<IPAddress> _signUpsPerAddress;

    public AbuseLimits(IConfiguration configuration, TimeProvider clock)
    {
        _failedAuthentications = PerMinute<IPAddress>(configuration.GetValue(SettingKeys.FailedAuthenticationsPerIpPerMinute, 300));
        var signIns = configuration.GetValue(SettingKeys.SignInAttemptsPerMinute, 10);
        _signInsPerAccount = new(signIns, Window, MaxTrackedPartitions, clock);
        _signInsPerAddress = new(signIns * 3, Window, MaxTrackedPartitions, clock);
        _signUpsPerAddress = new(
            configuration.GetValue(SettingKeys.SignUpsPerAddressPerHour, DefaultSignUpsPerAddressPerHour), SignUpWindow, MaxTrackedPartitions, clock);
    }

    /// <summary>Accounts and addresses the sign-in and sign-up counts track now; never above 3 × <see cref="MaxTrackedPartitions"/>.</summary>
    public int TrackedSignInAndSignUpPartitions => _signInsPerAccount.TrackedPartitions + _signInsPerAddress.TrackedPartitions + _signUpsPerAddress.TrackedPartitions;

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

    /// <summary>
    /// Takes one sign-in attempt from the account's and the address's budgets; false when either is spent. The caller
    /// passes an email already checked to be at most <see cref="Mentiora.Grains.Accounts.AccountEmail.MaxLength"/> long.
    /// </summary>
    public bool TrySignIn(string accountKey, IPAddress? address)
    {
        var account = _signInsPerAccount.TryTake(accountKey);
        var from = address is null || _signInsPerAddress.TryTake(ClientPartition(address));
        return account && from;
    }

    /// <summary>Takes one sign-up from the address's hourly budget; false when it is spent.</summary>
    public bool TrySignUp(IPAddress? address) => address is null || _signUpsPerAddress.TryTake(ClientPartition(address));

    public void Dispose()
    {
        _failedAuthentications.Dispose();
    }

    // One client, one budget: an IPv4 address as such (also when written IPv4-mapped), an IPv6 address by its /64, which
    // a single subscriber usually gets whole and could otherwise rotate through freely.
    private static IPAddress ClientPartition(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }

        if (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            return address;
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes);
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
