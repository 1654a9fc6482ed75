using System.Diagnostics;
using Mentiora.Harness.Clusters;
using Mentiora.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Mentiora.Tests.Cluster;

// Inside the namespace, so that it wins over the namespace Mentiora.Tests.Cluster itself.
using Cluster = Mentiora.Harness.Clusters.Cluster;

/// <summary>
/// The deployed topology (two silos behind nginx on one PostgreSQL, started by the harness as deploy/local-cluster.sh starts it)
/// under steady load through the load balancer, while something fails: a silo is killed, the database
/// stops for ten seconds, the write queue overflows. Clients may be told "503, retry after" or lose a
/// connection while it lasts, but never anything else; no trace answered 202 is missing afterwards; and
/// service comes back by itself within <see cref="RecoveryBound"/>.
/// </summary>
public sealed class LoadBalancedFaultTests(ITestOutputHelper output)
{
    // The promise: this long after a fault ends (for a kill: after the kill), traces are answered 202 again and
    // keep being so. A killed silo is declared dead in about 10 s (2 s probes, 2 missed, then a vote), after
    // which its grains come back on the survivor; a restarted database is used again from the next write; a
    // full queue empties in milliseconds. The rest is room for a busy two-core test machine.
    private static readonly TimeSpan RecoveryBound = TimeSpan.FromSeconds(15);

    // How long only 202s must come after service resumed, to show it stays resumed.
    private static readonly TimeSpan SteadyFor = TimeSpan.FromSeconds(3);

    // Traffic before the fault, so it hits a cluster that is busy, with connections and grains warm.
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(2);

    private const int SteadyClients = 8;
    private static readonly TimeSpan SteadyPause = TimeSpan.FromMilliseconds(20);

    // Bounds of any one load, whatever happens: no test can hang on a service that never recovers.
    private static readonly TimeSpan LongestLoad = TimeSpan.FromSeconds(45);
    private const int MostRequests = 30_000;

    [Fact]
    public async Task KillingASiloUnderLoadLosesNoAcknowledgedTraceAndServiceResumes()
    {
        await using var cluster = await StartClusterAsync();
        var key = await CreateKeyAsync(cluster);
        var clock = Stopwatch.StartNew();
        await using var load = TraceLoad.Start(cluster.Url, key, clock, SteadyClients, SteadyPause, LongestLoad, MostRequests);

        await Task.Delay(WarmUp);
        var acceptedBefore = load.Answers.Count(a => a.Accepted);
        // Read before the kill: requests in flight on the silo fail the moment it dies.
        var killedAt = clock.Elapsed;
        cluster.KillSilo(0);
        Assert.False(cluster.SiloIsRunning(0), "the silo should be gone after SIGKILL");
        await LetServiceResumeAsync(load, clock, killedAt);

        await AssertFaultWasSurvivedAsync(cluster, load, killedAt, $"silo 1 (PID {cluster.SiloProcessIds[0]}) killed with SIGKILL at {killedAt:g}");
        Assert.True(acceptedBefore > 0, "traces should have been accepted before the kill, or the test measured nothing");
    }

    [Fact]
    public async Task StoppingPostgresForTenSecondsUnderLoadLosesNoAcknowledgedTraceAndServiceResumes()
    {
        await using var cluster = await StartClusterAsync();
        var key = await CreateKeyAsync(cluster);
        var clock = Stopwatch.StartNew();
        await using var load = TraceLoad.Start(cluster.Url, key, clock, SteadyClients, SteadyPause, LongestLoad, MostRequests);

        await Task.Delay(WarmUp);
        await cluster.StopPostgresAsync();
        var stoppedAt = clock.Elapsed;
        await Task.Delay(TimeSpan.FromSeconds(10));
        await cluster.StartPostgresAgainAsync();
        var restartedAt = clock.Elapsed;
        await LetServiceResumeAsync(load, clock, restartedAt);

        await AssertFaultWasSurvivedAsync(cluster, load, restartedAt, $"PostgreSQL stopped at {stoppedAt:g}, running again at {restartedAt:g}");
        var refused = load.Answers.Count(a => a.Outcome.StartsWith("503", StringComparison.Ordinal) && a.AnsweredAt > stoppedAt && a.AnsweredAt < restartedAt);
        Assert.True(refused > 0, $"traces sent while the database was down should have been answered 503; got {load.Summary()}");
    }

    [Fact]
    public async Task FillingTheWriteQueueUnderLoadAnswers503WithRetryAfterLosesNoAcknowledgedTraceAndServiceResumes()
    {
        // A queue of 8 traces per silo, committed 2 at a time: the 8 steady clients (one request in flight each)
        // fit, a burst of 48 more clients sending without pause cannot.
        await using var cluster = await StartClusterAsync(new Dictionary<string, string>
        {
            ["Traces__QueueCapacity"] = "8",
            ["Traces__MaxBatchSize"] = "2",
        });
        var key = await CreateKeyAsync(cluster);
        var clock = Stopwatch.StartNew();
        await using var load = TraceLoad.Start(cluster.Url, key, clock, SteadyClients, SteadyPause, LongestLoad, MostRequests);

        await Task.Delay(WarmUp);
        var burstStartedAt = clock.Elapsed;
        await using var burst = TraceLoad.Start(cluster.Url, key, clock, clients: 48, TimeSpan.Zero, LongestLoad, MostRequests);
        await Task.Delay(TimeSpan.FromSeconds(4));
        await burst.StopAsync();
        var burstEndedAt = clock.Elapsed;
        await LetServiceResumeAsync(load, clock, burstEndedAt);

        output.WriteLine($"burst of 48 clients from {burstStartedAt:g} to {burstEndedAt:g}: {burst.Summary()}");
        AssertOnlyRetryableRefusals(cluster, burst);
        await AssertFaultWasSurvivedAsync(cluster, load, burstEndedAt, $"write queue (8 traces per silo) flooded from {burstStartedAt:g} to {burstEndedAt:g}",
            burst.Acknowledged);
        var refused = load.Answers.Concat(burst.Answers).Count(a => a.Outcome.StartsWith("503", StringComparison.Ordinal));
        Assert.True(refused > 0, $"a full write queue should have been answered 503; steady: {load.Summary()}; burst: {burst.Summary()}");
        Assert.True(burst.Answers.Any(a => a.Accepted), $"the queue should keep taking what fits while full; burst: {burst.Summary()}");
    }

    // The docker-compose topology from local binaries: a PostgreSQL of its own (the test stops it), the silos
    // starting together, nginx in front, and silos given time to leave the cluster at the end.
    private static Task<Cluster> StartClusterAsync(IDictionary<string, string>? settings = null) =>
        TestClusters.StartAsync(new ClusterOptions
        {
            Nginx = true,
            OneByOne = false,
            Settings = settings ?? new Dictionary<string, string>(),
            SiloStartTimeout = TimeSpan.FromSeconds(180),
            SiloStopTimeout = TimeSpan.FromSeconds(30),
        });

    // Through nginx, as a person signing up in the browser would.
    private static async Task<string> CreateKeyAsync(Cluster cluster)
    {
        var owner = DashboardClient.Using(cluster.CreateClient());
        return await owner.CreateApiKeyAsync(await owner.SignUpAsync(), "Load");
    }

    // Keeps the load going until only 202s have come for SteadyFor, or until that can no longer happen within the bound.
    private static async Task LetServiceResumeAsync(TraceLoad load, Stopwatch clock, TimeSpan faultEnded)
    {
        var deadline = faultEnded + RecoveryBound + SteadyFor;
        while (clock.Elapsed < deadline && !(load.ResumedAfter(faultEnded) is { } resumed && clock.Elapsed - resumed >= SteadyFor))
        {
            await Task.Delay(200);
        }

        await load.StopAsync();
    }

    private async Task AssertFaultWasSurvivedAsync(
        Cluster cluster, TraceLoad load, TimeSpan faultEnded, string fault, IReadOnlyCollection<Guid>? alsoAcknowledged = null)
    {
        var resumed = load.ResumedAfter(faultEnded);
        output.WriteLine($"cluster started in {cluster.StartupTime.TotalSeconds:0.0} s; {fault}; steady load answers: {load.Summary()}; "
            + $"202s only again {(resumed is null ? "never" : $"{(resumed.Value - faultEnded).TotalSeconds:0.0} s")} after the fault ended "
            + $"(bound {RecoveryBound.TotalSeconds:0} s); last answer at {load.Answers.Max(a => a.AnsweredAt):g}");

        AssertOnlyRetryableRefusals(cluster, load);

        var acknowledged = load.Acknowledged.Concat(alsoAcknowledged ?? []).ToHashSet();
        Assert.NotEmpty(acknowledged);
        var missing = acknowledged.Except(await StoredTraces.TraceIdsAsync(cluster.ConnectionString)).ToList();
        Assert.True(missing.Count == 0,
            $"{missing.Count} of {acknowledged.Count} traces answered 202 are not in the database, e.g. {string.Join(", ", missing.Take(5))}");

        Assert.True(resumed is not null && resumed.Value - faultEnded <= RecoveryBound,
            $"service should answer only 202 again within {RecoveryBound.TotalSeconds:0} s of the fault's end and stay so for "
            + $"{SteadyFor.TotalSeconds:0} s; the last answers were {string.Join(", ", load.Answers.OrderBy(a => a.AnsweredAt).TakeLast(5).Select(a => $"{a.AnsweredAt:g} {a.Outcome}"))}.\n"
            + cluster.LogTails());
    }

    private static void AssertOnlyRetryableRefusals(Cluster cluster, TraceLoad load)
    {
        var breaches = load.Answers.Where(a => a.Breach is not null).ToList();
        Assert.True(breaches.Count == 0,
            $"{breaches.Count} answers were neither 202, nor a JSON 503 with Retry-After, nor a failed connection: "
            + $"{string.Join(" | ", breaches.Select(b => b.Breach).Distinct().Take(5))}.\n{cluster.LogTails()}");
    }
}
