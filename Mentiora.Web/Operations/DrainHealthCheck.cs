using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Mentiora.Web.Operations;

/// <summary>Not ready once the silo has begun to stop, so load balancers send new requests elsewhere during the drain.</summary>
public sealed class DrainHealthCheck(ShutdownDrain drain) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(drain.IsDraining
            ? HealthCheckResult.Unhealthy("The silo is shutting down.")
            : HealthCheckResult.Healthy());
}
