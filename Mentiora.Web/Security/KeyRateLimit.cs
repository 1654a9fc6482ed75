using System.Threading.RateLimiting;
using Mentiora.Web.Api;
using Mentiora.Web.Configuration;
using Mentiora.Web.Usage;
using Mentiora.Grains.Usage;
using Microsoft.AspNetCore.RateLimiting;

namespace Mentiora.Web.Security;

/// <summary>
/// The per-key request rates as an ASP.NET Core rate-limiting policy, partitioned by the
/// authenticated key: <c>Limits:KeyRequestsPerSecond</c> for secret keys (off by default) and
/// <c>Limits:PublishableKeyRequestsPerSecond</c> for publishable keys (on by default, since anyone
/// can copy one from a page). Counted per silo, in memory: a cluster of N silos allows up to N times as much.
/// </summary>
public static partial class KeyRateLimit
{
    /// <summary>The policy's name, for <c>[EnableRateLimiting]</c>.</summary>
    public const string PolicyName = "per-key";

    /// <summary>Requests per second one publishable key may make on one silo unless configured otherwise.</summary>
    public const int DefaultPublishableKeyRequestsPerSecond = 50;

    /// <summary>
    /// How many seconds' worth of requests a publishable key may send at once: many visitors opening
    /// a page together send their first events together, which is traffic, not abuse.
    /// </summary>
    public const int PublishableKeyBurstSeconds = 2;

    // A key's budget refills every window.
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(1);

    /// <summary>Registers the rate limiter with the per-key policy; run it after authorization, which names the key.</summary>
    public static IServiceCollection AddKeyRateLimit(this IServiceCollection services, IConfiguration configuration)
    {
        var secretRate = configuration.GetValue(SettingKeys.KeyRequestsPerSecond, 0);
        var publishableRate = configuration.GetValue(SettingKeys.PublishableKeyRequestsPerSecond, DefaultPublishableKeyRequestsPerSecond);
        return services.AddRateLimiter(options =>
        {
            options.AddPolicy(PolicyName, context => Partition(context, secretRate, publishableRate));
            options.OnRejected = (rejected, cancellationToken) => RefuseAsync(rejected, secretRate, publishableRate, cancellationToken);
        });
    }

    // A key's secret and publishable halves share an id but have budgets of their own, so a
    // page's visitors can never use up what the customer's server needs, nor the other way round.
    private static RateLimitPartition<(Guid KeyId, bool IsSecretKey)> Partition(HttpContext context, int secretRate, int publishableRate)
    {
        // The policy always exists so the endpoint can name it; a limit of 0 means no limiter.
        var key = ApiKeyClaims.From(context.User);
        var perWindow = key is null ? 0 : key.IsSecretKey ? secretRate : publishableRate;
        if (key is null || perWindow <= 0)
        {
            return RateLimitPartition.GetNoLimiter((Guid.Empty, false));
        }

        return RateLimitPartition.GetTokenBucketLimiter((key.KeyId, key.IsSecretKey), _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = key.IsSecretKey ? perWindow : perWindow * PublishableKeyBurstSeconds,
            TokensPerPeriod = perWindow,
            ReplenishmentPeriod = Window,
            QueueLimit = 0,
        });
    }

    private static async ValueTask RefuseAsync(OnRejectedContext rejected, int secretRate, int publishableRate, CancellationToken cancellationToken)
    {
        // The limiter knows when the bucket next refills; its window is the fallback, rounded up
        // because Retry-After counts whole seconds and an early retry would only be refused again.
        var wait = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : Window;
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        var context = rejected.HttpContext;
        var key = ApiKeyClaims.From(context.User);
        var error = key is { IsSecretKey: false }
            ? ApiErrors.RateLimited($"This publishable key sent more than {publishableRate} requests per second (bursts of {publishableRate * PublishableKeyBurstSeconds}), its limit on this server (Limits:PublishableKeyRequestsPerSecond). Wait {seconds} s (Retry-After), then send again.", seconds)
            : ApiErrors.RateLimited($"This API key sent more than {secretRate} requests in one second, its limit on this server. Wait {seconds} s (Retry-After), then send again; the SDKs do so by themselves.", seconds);
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
