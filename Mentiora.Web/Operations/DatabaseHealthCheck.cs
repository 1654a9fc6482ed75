using System.Data.Common;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Mentiora.Web.Operations;

/// <summary>Ready only while the database answers: without it no trace can be acknowledged.</summary>
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
            return HealthCheckResult.Unhealthy("The database does not answer.", e);
        }
    }
}
