using System.Diagnostics;
using Mentiora.Harness.Clusters;
using Mentiora.Harness.Faults;
using Mentiora.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Mentiora.Tests.Cluster;

// Inside the namespace, so that it wins over the namespace Mentiora.Tests.Cluster itself.
using Cluster = Mentiora.Harness.Clusters.Cluster;

/// <summary>
/// The deployed topology (two silos behind nginx on a PostgreSQL of its own) under steady load of clients that retry exactly
/// like the published SDKs, while one of the faults a cluster sees every day happens. Each fault must cost latency, never a
/// trace: <see cref="FaultOracle"/> judges them all alike.
/// </summary>
public sealed class LoadBalancedFaultTests(ITestOutputHelper output)
{
    // The promise: this long after a fault ends (for a kill: once the cluster declared the silo dead, about 10 s after it),
    // traces are answered 202 again and keep being so. A restarted database is used again from the next write; a backlog
    // drains at the write capacity. The rest is room for a busy two-core machine.
    private static readonly TimeSpan RecoveryBound = TimeSpan.FromSeconds(15);

    // A delivery at least this slow shows the fault reached the clients (an outage held, a backlog queued).
    private static readonly TimeSpan Felt = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task KillingASiloUnderLoadFailsNoTraceAtTheClient()
    {
        await DrillAsync(Fault.KillSilo);
    }

    [Fact]
    public async Task StoppingPostgresForTenSecondsUnderLoadFailsNoTraceAtTheClient()
    {
        var result = await DrillAsync(Fault.StopPostgres);
        FaultOracle.AssertWasFelt(result, Felt);
    }

    [Fact]
    public async Task ABurstOfThreeTimesTheWriteCapacityFailsNoTraceAtTheClient()
    {
        var result = await DrillAsync(Fault.WriteBurst);
        FaultOracle.AssertWasFelt(result, Felt);
        Assert.Contains(result.Traces, t => t.Load == "burst" && t.Delivery.Delivered);
    }

    [Fact]
    public async Task RestartingBothSilosOneAfterTheOtherFailsNoTraceAtTheClient()
    {
        await DrillAsync(Fault.RollingRestart);
    }

    // The docker-compose topology from local binaries: a PostgreSQL of its own (the drill may stop it), the silos starting
    // together, nginx in front, and silos given time to leave the cluster at the end.
    private async Task<FaultDrillResult> DrillAsync(Fault fault)
    {
        await using var cluster = await TestClusters.StartAsync(new ClusterOptions
        {
            Nginx = true,
            OneByOne = false,
            Settings = FaultDrill.SiloSettings(fault),
            SiloStartTimeout = TimeSpan.FromSeconds(180),
            SiloStopTimeout = TimeSpan.FromSeconds(30),
        });
        // Through nginx, as a person signing up in the browser would.
        var owner = DashboardClient.Using(cluster.CreateClient());
        var key = await owner.CreateApiKeyAsync(await owner.SignUpAsync(), "Load");
        using var bound = new CancellationTokenSource(TimeSpan.FromMinutes(4));

        var result = await FaultDrill.RunAsync(cluster, key, fault, Stopwatch.StartNew(), bound.Token);

        output.WriteLine($"cluster started in {cluster.StartupTime.TotalSeconds:0.0} s");
        output.WriteLine(result.Summary());
        await FaultOracle.AssertSurvivedAsync(result, cluster.ConnectionString, RecoveryBound, () => cluster.LogTails());
        return result;
    }
}
