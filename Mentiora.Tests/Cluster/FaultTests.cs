using System.Diagnostics;
using Mentiora.Harness.Clusters;
using Mentiora.Harness.Postgres;
using Mentiora.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Mentiora.Tests.Cluster;

/// <summary>Under steady load on two silos, a database outage costs availability, never an acknowledged trace.</summary>
public sealed class FaultTests(ITestOutputHelper output)
{
    // What the README promises: service is back this long after the database is.
    private static readonly TimeSpan RecoveryBound = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task StoppingPostgresForTenSecondsLosesNoAcknowledgedTraceAndServiceResumes()
    {
        await using var server = await ThrowawayPostgres.StartAsync();
        var connectionString = await server.CreateDatabaseAsync("faults");
        await using var cluster = await TestClusters.StartAsync(new ClusterOptions { Postgres = server, ConnectionString = connectionString });
        var owner = DashboardClient.Using(cluster.Silos[0].CreateClient());
        var key = await owner.CreateApiKeyAsync(await owner.SignUpAsync(), "Load");
        var clock = Stopwatch.StartNew();

        // Eight clients, half on each silo, as behind a load balancer; bounded in time.
        var longest = TimeSpan.FromSeconds(28);
        await using var onA = TraceLoad.Start(cluster.Silos[0].BaseAddress, key, clock, clients: 4, TimeSpan.FromMilliseconds(20), longest, maxRequests: 30_000);
        await using var onB = TraceLoad.Start(cluster.Silos[1].BaseAddress, key, clock, clients: 4, TimeSpan.FromMilliseconds(20), longest, maxRequests: 30_000);

        await Task.Delay(TimeSpan.FromSeconds(3));
        await server.StopAsync();
        var stoppedAt = clock.Elapsed;
        await Task.Delay(TimeSpan.FromSeconds(10));
        await server.RestartAsync();
        var restartedAt = clock.Elapsed;
        await Task.WhenAll(onA.Completion, onB.Completion);

        var answers = onA.Answers.Concat(onB.Answers).ToList();
        var firstAcceptedAfterRestart = answers.Where(a => a.Accepted && a.AnsweredAt > restartedAt).Select(a => (TimeSpan?)a.AnsweredAt).Min();
        output.WriteLine($"answers on A: {onA.Summary()}; on B: {onB.Summary()}; database stopped at {stoppedAt:g}, " +
            $"restarted at {restartedAt:g}, first 202 after restart at {firstAcceptedAfterRestart:g}");
        var breaches = answers.Where(a => a.Breach is not null).Select(a => a.Breach).Distinct().Take(5).ToList();
        Assert.True(breaches.Count == 0, $"answers neither 202, nor a JSON 503 with Retry-After, nor a failed connection: {string.Join(" | ", breaches)}");
        Assert.True(answers.Any(a => a.Outcome.StartsWith("503", StringComparison.Ordinal)), "the outage should have been noticed");
        Assert.NotNull(firstAcceptedAfterRestart);
        Assert.True(firstAcceptedAfterRestart - restartedAt <= RecoveryBound,
            $"service should resume within {RecoveryBound.TotalSeconds} s of the database; took {(firstAcceptedAfterRestart - restartedAt)?.TotalSeconds:0.0} s");

        Assert.Empty(onA.Acknowledged.Concat(onB.Acknowledged).Except(await StoredTraces.TraceIdsAsync(connectionString)));
    }
}
