using System.Diagnostics;
using Npgsql;

namespace Mentiora.Harness.Faults;

/// <summary>Reads the Orleans membership table, to tell when the cluster has noticed that a silo died.</summary>
public static class ClusterMembership
{
    // Orleans' SiloStatus.Dead as stored in the membership table.
    private const int Dead = 6;

    /// <summary>Waits until the cluster has declared the silo on <paramref name="siloPort"/> dead; false when that did not happen within <paramref name="timeout"/>.</summary>
    public static async Task<bool> WaitUntilDeclaredDeadAsync(string connectionString, string clusterId, int siloPort, TimeSpan timeout, CancellationToken cancellation)
    {
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < timeout)
        {
            if (await IsDeclaredDeadAsync(connectionString, clusterId, siloPort, cancellation)) return true;
            await Task.Delay(200, cancellation);
        }

        return false;
    }

    private static async Task<bool> IsDeclaredDeadAsync(string connectionString, string clusterId, int siloPort, CancellationToken cancellation)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellation);
        // The latest incarnation on that port is the one that was killed.
        await using var query = new NpgsqlCommand(
            "SELECT status FROM orleansmembershiptable WHERE deploymentid = $1 AND port = $2 ORDER BY generation DESC LIMIT 1", connection);
        query.Parameters.Add(new NpgsqlParameter { Value = clusterId });
        query.Parameters.Add(new NpgsqlParameter { Value = siloPort });
        return await query.ExecuteScalarAsync(cancellation) is int status && status == Dead;
    }
}
