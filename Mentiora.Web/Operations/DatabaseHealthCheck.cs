using System.Data.Common;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Mentiora.Web.Operations;

/// <summary>
/// Degraded, not unready, while the database does not answer: every silo shares it, so failing
/// readiness would take all of them out of rotation at once, while they hold traces in memory and
/// acknowledge them once it is back. Degraded still answers 200, with the reason in the body.
/// </summary>
public sealed class DatabaseHealthCheck(DbDataSource dataSource) : IHealthCheck
{
    // A load balancer polls often; a slow database is as good as a missing one for it.
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            await using var command = dataSource.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync(timeout.Token);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is DbException or OperationCanceledException or TimeoutException or InvalidOperationException)
        {
            return HealthCheckResult.Degraded("The database does not answer; trace requests wait for it to come back, then 503 if it does not.", e);
        }
    }
}
