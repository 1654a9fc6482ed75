using System.Threading.RateLimiting;
using Mentiora.Web.Api;
using Mentiora.Web.Configuration;
using Mentiora.Web.Usage;
using Mentiora.Grains.Usage;
using Microsoft.AspNetCore.RateLimiting;

namespace Mentiora.Web.Security;

/// <summary>
/// The per-key request rate (<c>Limits:KeyRequestsPerSecond</c>, off by default) as an ASP.NET Core
/// rate-limiting policy, partitioned by the authenticated key's id. Counted per silo, in memory:
/// a cluster of N silos allows up to N times as much.
/// </summary>
public static partial class KeyRateLimit
{
    /// <summary>The policy's name, for <c>[EnableRateLimiting]</c>.</summary>
    public const string PolicyName = "per-key";

    // A key's budget refills completely every window.
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(1);

    /// <summary>Registers the rate limiter with the per-key policy; run it after authorization, which names the key.</summary>
    public static IServiceCollection AddKeyRateLimit(this IServiceCollection services, IConfiguration configuration)
    {
        var perWindow = configuration.GetValue(SettingKeys.KeyRequestsPerSecond, 0);
        return services.AddRateLimiter(options =>
        {
            options.AddPolicy(PolicyName, context => Partition(context, perWindow));
            options.OnRejected = (rejected, cancellationToken) => RefuseAsync(rejected, perWindow, cancellationToken);
        });
    }

    private static RateLimitPartition<Guid> Partition(HttpContext context, int perWindow)
    {
        // The policy always exists so the endpoint can name it; a limit of 0 means no limiter.
        if (perWindow <= 0 || ApiKeyClaims.From(context.User) is not { } key)
        {
            return RateLimitPartition.GetNoLimiter(Guid.Empty);
        }

        return RateLimitPartition.GetTokenBucketLimiter(key.KeyId, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = perWindow,
            TokensPerPeriod = perWindow,
            ReplenishmentPeriod = Window,
            QueueLimit = 0,
        });
    }

    private static async ValueTask RefuseAsync(OnRejectedContext rejected, int perWindow, CancellationToken cancellationToken)
    {
        // The limiter knows when the bucket next refills; its window is the fallback, rounded up
        // because Retry-After counts whole seconds and an early retry would only be refused again.
        var wait = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : Window;
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        var context = rejected.HttpContext;
        var key = ApiKeyClaims.From(context.User);
        var error = ApiErrors.RateLimited($"This API key sent more than {perWindow} requests in one second, its limit on this server. Wait {seconds} s (Retry-After), then send again; the SDKs do so by themselves.", seconds);
        if (key is not null)
        {
            context.RequestServices.GetRequiredService<KeyUsageRecorder>().Refused(key.ProjectId, key.KeyPrefix, KeyRefusalReason.RateLimited, context);
        }

        LogRefused(context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(TracesController)), error.Code, error.Status, key?.ProjectId, key?.KeyPrefix);
        await error.WriteAsync(context.Response);
    }

    // The key's prefix identifies it to its owner without revealing it.
    [LoggerMessage(Level = LogLevel.Information, Message = "Refused a trace with {Code} ({Status}) for project {ProjectId}, key {KeyPrefix}")]
    private static partial void LogRefused(ILogger logger, string code, int status, Guid? projectId, string? keyPrefix);
}
