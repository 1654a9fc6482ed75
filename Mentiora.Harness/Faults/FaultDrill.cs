using System.Diagnostics;
using System.Globalization;
using Mentiora.Harness.Clients;
using Mentiora.Harness.Clusters;
using Mentiora.Harness.Load;

namespace Mentiora.Harness.Faults;

/// <summary>
/// Runs one of the four daily faults against a cluster of two silos behind nginx on its own PostgreSQL, under steady load of
/// clients that retry exactly like the SDKs, and returns what they saw. Judging it is the caller's business (tests, benchmark).
/// </summary>
/// <remarks>
/// Usage: start the cluster with <c>new ClusterOptions { Nginx = true, OneByOne = false, Settings = FaultDrill.SiloSettings(fault) }</c>,
/// create a key, then <c>var result = await FaultDrill.RunAsync(cluster, key, fault, Stopwatch.StartNew(), ct);</c>.
/// </remarks>
public static class FaultDrill
{
    /// <summary>What the silos must run with for <paramref name="fault"/> (as environment variables): a small, measurable write capacity for the burst.</summary>
    public static IDictionary<string, string> SiloSettings(Fault fault, FaultDrillOptions? options = null)
    {
        options ??= FaultDrillOptions.Default;
        return fault == Fault.WriteBurst
            ? new Dictionary<string, string>
            {
                ["Traces__MaxBatchSize"] = options.BurstMaxBatchSize.ToString(CultureInfo.InvariantCulture),
                ["Traces__ConcurrentWrites"] = "1",
            }
            : new Dictionary<string, string>();
    }

    /// <summary>
    /// Warms up with steady load, causes <paramref name="fault"/>, keeps the load going until only 202s have come for a while
    /// (or the recovery bound passed), lets every delivery end, and returns every trace sent with the fault's times on <paramref name="clock"/>.
    /// </summary>
    public static async Task<FaultDrillResult> RunAsync(
        Cluster cluster, string apiKey, Fault fault, Stopwatch clock, CancellationToken cancellation = default, FaultDrillOptions? options = null)
    {
        options ??= FaultDrillOptions.Default;
        if (cluster.Silos.Count < 2) throw new ArgumentException("A fault drill needs two silos.", nameof(cluster));
        var missing = SiloSettings(fault, options).Where(s => !cluster.Silos.All(silo => silo.Options.Settings.TryGetValue(s.Key, out var v) && v == s.Value)).ToList();
        // Without them the burst would be sized for a capacity set by the machine, not by the drill.
        if (missing.Count > 0)
        {
            throw new ArgumentException(
                $"Start the cluster with FaultDrill.SiloSettings({fault}); its silos lack {string.Join(", ", missing.Select(m => $"{m.Key}={m.Value}"))}.", nameof(cluster));
        }

        using var sender = new SdkLikeSender(cluster.Url, apiKey, clock, options.Seed);
        var traces = new List<SentTrace>();
        SlowCommits? slow = null;
        double? capacity = null;
        try
        {
            if (fault == Fault.WriteBurst)
            {
                slow = await SlowCommits.AddAsync(cluster.ConnectionString, options.SlowCommitBy, cancellation);
                (capacity, var measured) = await MeasureCapacityAsync(sender, clock, options, cancellation);
                traces.AddRange(measured);
            }

            // Long enough for any fault, its recovery bound and the slowest last delivery (four attempts of 30 s at most).
            var longest = TimeSpan.FromMinutes(3);
            await using var steady = SteadyLoad.Start(sender, options.SteadyClients, options.SteadyPause, longest, options.MostSteadyRequests, abort: cancellation);
            await Task.Delay(options.WarmUp, cancellation);

            var startedAt = clock.Elapsed;
            string description;
            Task<IReadOnlyList<SentTrace>> burst = Task.FromResult<IReadOnlyList<SentTrace>>([]);
            switch (fault)
            {
                case Fault.KillSilo:
                    var pid = cluster.SiloProcessIds[0];
                    cluster.KillSilo(0);
                    var killed = clock.Elapsed;
                    // The fault lasts until the cluster has noticed: until then calls to the dead silo's grains cannot be answered.
                    var noticed = await ClusterMembership.WaitUntilDeclaredDeadAsync(
                        cluster.ConnectionString, cluster.ClusterId, cluster.Silos[0].SiloPort, options.RecoveryBound, cancellation);
                    var declared = noticed
                        ? string.Create(CultureInfo.InvariantCulture, $"{(clock.Elapsed - killed).TotalSeconds:0.0} s later")
                        : string.Create(CultureInfo.InvariantCulture, $"not within {options.RecoveryBound.TotalSeconds:0} s");
                    description = string.Create(CultureInfo.InvariantCulture,
                        $"silo {cluster.Silos[0].Name} (PID {pid}) killed with SIGKILL at {killed.TotalSeconds:0.0} s, declared dead by the cluster {declared}");
                    break;
                case Fault.StopPostgres:
                    await cluster.StopPostgresAsync();
                    var down = clock.Elapsed;
                    await Task.Delay(options.PostgresDownFor, cancellation);
                    await cluster.StartPostgresAgainAsync();
                    description = string.Create(CultureInfo.InvariantCulture,
                        $"PostgreSQL down from {down.TotalSeconds:0.0} s for {options.PostgresDownFor.TotalSeconds:0} s, running again at {clock.Elapsed.TotalSeconds:0.0} s");
                    break;
                case Fault.WriteBurst:
                    var perSecond = capacity!.Value * options.BurstTimesCapacity / options.BurstEventsPerRequest;
                    burst = OpenLoopBurst.RunAsync(sender, perSecond, options.BurstDuration, options.BurstEventsPerRequest, options.BurstMaxInFlight, cancellation);
                    // The burst's arrivals last its duration; its deliveries may take longer, which is what is measured.
                    await Task.Delay(options.BurstDuration, cancellation);
                    description = string.Create(CultureInfo.InvariantCulture,
                        $"write capacity {capacity:0} traces/s (commits slowed by {options.SlowCommitBy.TotalMilliseconds:0} ms, batches of {options.BurstMaxBatchSize}, one writer per silo); "
                        + $"burst of {perSecond:0.#} requests/s × {options.BurstEventsPerRequest} events for {options.BurstDuration.TotalSeconds:0} s");
                    break;
                case Fault.RollingRestart:
                    var steps = new List<string>();
                    for (var i = 0; i < cluster.Silos.Count; i++)
                    {
                        var stopping = clock.Elapsed;
                        await cluster.StopSiloAsync(i, options.SiloStopTimeout);
                        var exited = clock.Elapsed;
                        await cluster.RestartSiloAsync(i);
                        steps.Add(string.Create(CultureInfo.InvariantCulture,
                            $"silo {cluster.Silos[i].Name} SIGTERM at {stopping.TotalSeconds:0.0} s, exited after {(exited - stopping).TotalSeconds:0.0} s, ready again at {clock.Elapsed.TotalSeconds:0.0} s"));
                    }

                    description = string.Join("; ", steps);
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(fault), fault, "Not a fault this drill knows.");
            }

            var endedAt = clock.Elapsed;
            await LetServiceSettleAsync(sender, clock, endedAt, burst, options, cancellation);
            await steady.StopAsync();
            traces.AddRange(steady.Traces);
            traces.AddRange(await burst);
            return new FaultDrillResult(fault, description, startedAt, endedAt, traces, capacity);
        }
        finally
        {
            if (slow is not null) await slow.DisposeAsync();
        }
    }

    // Until only 202s have come for SteadyFor (and the burst's deliveries ended), or until that can no longer happen within the bound.
    private static async Task LetServiceSettleAsync(
        SdkLikeSender sender, Stopwatch clock, TimeSpan faultEnded, Task burst, FaultDrillOptions options, CancellationToken cancellation)
    {
        var deadline = faultEnded + options.RecoveryBound + options.SteadyFor;
        while (clock.Elapsed < deadline)
        {
            if (burst.IsCompleted && FaultDrillResult.ResumedAfter(sender.Attempts, faultEnded) is { } resumed && clock.Elapsed - resumed >= options.SteadyFor) return;
            await Task.Delay(200, cancellation);
        }
    }

    // Saturating closed-loop load (several whole batches waiting per silo at all times); the traces it got committed per second,
    // counted in a window that starts once the first commits came back: on a busy machine the cold start (first connections,
    // activations, compiled code) alone can take seconds, and counting it would measure the start, not the capacity.
    private static async Task<(double PerSecond, IReadOnlyList<SentTrace> Traces)> MeasureCapacityAsync(
        SdkLikeSender sender, Stopwatch clock, FaultDrillOptions options, CancellationToken cancellation)
    {
        var settle = TimeSpan.FromSeconds(0.5);
        var coldStartBound = TimeSpan.FromSeconds(30);
        await using var saturating = SteadyLoad.Start(sender, clients: 12, TimeSpan.Zero, TimeSpan.FromMinutes(2), int.MaxValue,
            name: "capacity", eventsPerRequest: options.BurstEventsPerRequest, abort: cancellation);
        var startedAt = clock.Elapsed;
        while (!saturating.Traces.Any(t => t.Delivery.Delivered))
        {
            if (clock.Elapsed - startedAt > coldStartBound)
            {
                throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                    $"No trace was committed within {coldStartBound.TotalSeconds:0} s of saturating load while measuring the write capacity; answers: {string.Join(", ", saturating.Traces.SelectMany(t => t.Delivery.Attempts).Select(a => a.Outcome).Distinct())}"));
            }

            await Task.Delay(50, cancellation);
        }

        var from = clock.Elapsed + settle;
        await Task.Delay(settle + options.CapacityWindow, cancellation);
        var to = clock.Elapsed;
        await saturating.StopAsync();
        var traces = saturating.Traces;
        var committed = traces.Count(t => t.Delivery.Delivered && t.Delivery.EndedAt >= from && t.Delivery.EndedAt < to);
        if (committed == 0) throw new InvalidOperationException($"No trace was committed while measuring the write capacity; answers: {string.Join(", ", traces.SelectMany(t => t.Delivery.Attempts).Select(a => a.Outcome).Distinct())}");
        return (committed / (to - from).TotalSeconds, traces);
    }
}
