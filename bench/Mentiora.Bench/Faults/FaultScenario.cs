using System.Diagnostics;
using System.Globalization;
using Mentiora.Bench.Dashboard;
using Mentiora.Bench.Measuring;
using Mentiora.Bench.Output;
using Mentiora.Harness.Clusters;
using Mentiora.Harness.Faults;
using Mentiora.Harness.Postgres;

namespace Mentiora.Bench.Faults;

/// <summary>
/// The faults scenario: each of the four daily faults (a silo killed, PostgreSQL stopped for 10 s, a write burst of three
/// times the capacity, a rolling restart) on a fresh two-silo cluster behind nginx, under steady load from clients that
/// retry exactly like the SDKs (the harness's fault drills, the same the tests judge). It reports failures at the client and
/// the latency clients saw, and checks the database afterwards.
/// </summary>
public static class FaultScenario
{
    private static readonly TimeSpan SiloStopTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Runs every fault in turn and returns a line each; a fault that lost a trace or stored one twice is added to <paramref name="failures"/>.</summary>
    public static async Task<IReadOnlyList<FaultLine>> RunAsync(BenchFiles files, string logs, string work, List<string> failures)
    {
        var lines = new List<FaultLine>();
        foreach (var fault in Enum.GetValues<Fault>())
        {
            Progress.Say($"faults: {fault} on a fresh two-silo cluster behind nginx (silo logs {Path.Combine(logs, $"faults.{fault}.silo*.log")})");
            await using var cluster = await Cluster.StartAsync(new ClusterOptions
            {
                Silos = 2,
                Nginx = true,
                OneByOne = false,
                DurablePostgres = true,
                Directory = Path.Combine(work, $"faults-{fault}"),
                AppDll = files.WebDll,
                ContentRoot = files.WebDirectory,
                SiloStartTimeout = TimeSpan.FromSeconds(180),
                SiloStopTimeout = SiloStopTimeout,
                Settings = new Dictionary<string, string>(FaultDrill.SiloSettings(fault)) { ["Logging__LogLevel__Default"] = "Warning" },
                ConfigureSilo = silo => silo with { LogFile = Path.Combine(logs, $"faults.{fault}.silo{silo.Name}.log") },
                Progress = Progress.Say,
            });
            var key = await DashboardKeyMaker.CreateKeyAsync(cluster.Url);
            var result = await FaultDrill.RunAsync(cluster, key, fault, Stopwatch.StartNew());
            var stored = await CheckRowsAsync(result, cluster.ConnectionString);
            var line = new FaultLine(
                fault.ToString(),
                result.Description,
                result.Traces.Count,
                result.RetriedDeliveries,
                result.Failures.Count,
                result.P99LatencyDuringFault.TotalSeconds,
                result.MaxLatencyDuringFault.TotalSeconds,
                result.ResumedAt is { } at ? (at - result.FaultEndedAt).TotalSeconds : null,
                stored.Description);
            lines.Add(line);
            Progress.Say(result.Summary());
            if (line.Failed > 0) failures.Add($"faults: {fault}: {line.Failed} of {line.Traces} traces failed at the client");
            if (!stored.Ok) failures.Add($"faults: {fault}: {stored.Description}");
        }

        return lines;
    }

    // Every 202 must be a row, and a retry must never have stored a second one.
    private static async Task<(bool Ok, string Description)> CheckRowsAsync(FaultDrillResult result, string connectionString)
    {
        var delivered = result.Delivered.Select(t => (t.TraceId, t.SpanId)).ToHashSet();
        var missing = delivered.Except(await StoredTraces.SpansAsync(connectionString)).Count();
        var twice = (await StoredTraces.StoredTwiceAsync(connectionString)).Count;
        var description = string.Create(CultureInfo.InvariantCulture, $"{delivered.Count} answered 202, {missing} of them missing, {twice} stored twice");
        return (missing == 0 && twice == 0, description);
    }
}
