using System.Runtime.Versioning;
using Mentiora.Bench.Checking;
using Mentiora.Bench.Faults;
using Mentiora.Bench.Measuring;
using Mentiora.Bench.Options;
using Mentiora.Bench.Output;
using Mentiora.Bench.Report;
using Mentiora.Bench.Targets;
using Mentiora.Bench.TracesPage;
using Mentiora.Harness.Clusters;
using Mentiora.Harness.Prerequisites;
using Mentiora.Harness.Processes;
using Mentiora.Harness.Silos;
using Microsoft.Data.Sqlite;

namespace Mentiora.Bench.Scenarios;

/// <summary>
/// The whole benchmark: builds, starts bare Kestrel and each scenario's target through the
/// harness, runs the comparisons, and writes summary.md, runs.tsv and the logs.
/// </summary>
public sealed class BenchmarkRun(BenchOptions options, BenchFiles files)
{
    // Above this, other processes would distort the numbers; the run goes on but says so.
    private const int BusyWarningPercent = 15;

    private static readonly TimeSpan SiloStopTimeout = TimeSpan.FromSeconds(30);

    // A first Release build of the web project on a busy two-core machine took minutes.
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(15);

    /// <summary>Runs everything asked for; the exit code (1 when a check failed).</summary>
    [SupportedOSPlatform("linux")]
    public async Task<int> RunAsync()
    {
        await HostTools.RequireAsync(Prerequisite.Wrk, install: true, Progress.Say);
        if (options.NeedsPostgres || options.Wants("cluster") || options.Wants("faults") || options.Wants("traces-page"))
        {
            await HostTools.RequireAsync(Prerequisite.Postgres, install: true, Progress.Say);
        }

        if (options.Wants("cluster") || options.Wants("faults"))
        {
            await HostTools.RequireAsync(Prerequisite.Nginx, install: true, Progress.Say);
        }

        var results = Path.GetFullPath(options.Results ?? Path.Combine(files.Bench, "results", DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'")));
        var logs = Path.Combine(results, "logs");
        System.IO.Directory.CreateDirectory(logs);
        var work = System.IO.Directory.CreateTempSubdirectory("mentiora-bench.").FullName;
        // The postgres system user must reach the database folder inside it.
        File.SetUnixFileMode(work, (UnixFileMode)0b111_101_101);
        try
        {
            return await RunInAsync(results, logs, work);
        }
        finally
        {
            System.IO.Directory.Delete(work, recursive: true);
        }
    }

    private async Task<int> RunInAsync(string results, string logs, string work)
    {
        Progress.Say($"Results go to {results}");
        var busy = await MachineLoad.BusyPercentAsync();
        if (busy > BusyWarningPercent)
        {
            Progress.Say($"WARNING: the machine is already {busy}% busy before the benchmark starts; other processes will distort the numbers:");
            var top = await CommandRunner.RunAsync("ps", ["-eo", "pcpu,pid,comm", "--sort=-pcpu"]);
            Console.Error.Write(string.Join('\n', top.Split('\n').Take(6).Select(l => "    " + l)) + "\n");
        }

        Progress.Say("Building Mentiora.Web, bench/BareKestrel and bench/LoadGen (Release)");
        foreach (var project in new[] { files.WebProject, files.BareKestrelProject, files.LoadGenProject })
        {
            await BuildAsync(project, Path.Combine(logs, "build.log"));
        }

        var runs = new RunsTable(Path.Combine(results, "runs.tsv"));
        var failures = new List<string>();
        var notes = new List<(string, string)>();
        string? postgresVersion = null;
        string? sqliteVersion = null;
        TracesPageResult? tracesPage = null;
        await using (var bare = await BareKestrel.StartAsync(files, logs))
        {
            var compare = new Comparison(options, new Wrk(files, options.Threads, logs), new LoadGen(files, options.RateDurationSeconds, logs), runs, bare, failures);
            if (options.NeedsPostgres)
            {
                postgresVersion = await PostgresScenariosAsync(compare, logs, work);
            }

            if (options.Wants("sqlite"))
            {
                sqliteVersion = await SqliteScenarioAsync(compare, logs, work);
            }

            if (options.Wants("cluster"))
            {
                await ClusterScenarioAsync(compare, logs, work, notes, failures);
            }

            if (options.Wants("traces-page"))
            {
                tracesPage = await TracesPageScenario.RunAsync(options, files, logs, work, bare, failures);
            }
        }

        var faults = options.Wants("faults") ? await FaultScenario.RunAsync(files, logs, work, failures) : [];

        var summaryPath = Path.Combine(results, "summary.md");
        var summary = Summary.Write(new SummaryInput(options, DateTime.UtcNow,
            MachineDescription.Lines(files.Repository, options.Threads, postgresVersion, sqliteVersion), busy, runs, notes, faults, failures, tracesPage));
        await File.WriteAllTextAsync(summaryPath, summary);
        Console.WriteLine();
        Console.Write(summary);
        Console.WriteLine();
        Progress.Say($"Summary: {summaryPath}; every run: {Path.Combine(results, "runs.tsv")}; logs: {logs}");
        if (failures.Count > 0)
        {
            Console.Error.WriteLine($"\nBENCHMARK FAILED: {failures.Count} check(s) failed:");
            foreach (var failure in failures)
            {
                Console.Error.WriteLine($"  {failure}");
            }

            return 1;
        }

        return 0;
    }

    private async Task<string> PostgresScenariosAsync(Comparison compare, string logs, string work)
    {
        var (server, connectionString, version) = await BenchPostgres.StartAsync(Path.Combine(work, "postgres"));
        await using (server)
        {
            var settings = new Dictionary<string, string>();
            // The breakdown sends thousands of bad keys a second from one address, which the app would soon
            // answer with 429 for every request, good keys included; lift that limit to measure the paths.
            if (options.Wants("auth-breakdown"))
            {
                settings["Limits__FailedAuthenticationsPerIpPerMinute"] = "1000000000";
            }

            await using var app = await SingleApp.StartAsync(files, logs, "postgres", connectionString, new PostgresRowCounter(connectionString), settings);
            var target = app.Target;
            if (options.Wants("auth"))
            {
                await compare.WrkAsync("auth", target, "invalid.lua", options.Connections, 1, 400);
            }

            if (options.Wants("auth-breakdown"))
            {
                await compare.AuthBreakdownAsync(target);
            }

            if (options.Wants("postgres"))
            {
                await compare.WrkAsync("postgres", target, "single.lua", options.Connections, 1, 202);
                await compare.RateAsync("postgres", target);
            }

            if (options.Wants("batch"))
            {
                await compare.WrkAsync("batch100", target, "batch100.lua", options.BatchConnections, 100, 202);
                await compare.WrkAsync("batch1000", target, "batch1000.lua", options.BatchConnections, 1000, 202);
            }
        }

        return version;
    }

    private async Task<string> SqliteScenarioAsync(Comparison compare, string logs, string work)
    {
        var folder = System.IO.Directory.CreateDirectory(Path.Combine(work, "sqlite")).FullName;
        var databaseFile = Path.Combine(folder, "mentiora.db");
        await using var app = await SingleApp.StartAsync(files, logs, "sqlite", connectionString: null, new SqliteRowCounter(databaseFile),
            new Dictionary<string, string> { ["Storage__SqlitePath"] = databaseFile });
        await compare.WrkAsync("sqlite", app.Target, "single.lua", options.Connections, 1, 202);
        await compare.RateAsync("sqlite", app.Target);
        return SqliteVersion();
    }

    private async Task ClusterScenarioAsync(Comparison compare, string logs, string work, List<(string, string)> notes, List<string> failures)
    {
        Progress.Say($"Starting a two-silo cluster with nginx through Mentiora.Harness (silo logs {Path.Combine(logs, "cluster.silo*.log")})");
        Cluster cluster;
        try
        {
            cluster = await Cluster.StartAsync(new ClusterOptions
            {
                Silos = 2,
                Nginx = true,
                DurablePostgres = true,
                Directory = Path.Combine(work, "cluster"),
                AppDll = files.WebDll,
                ContentRoot = files.WebDirectory,
                SiloStartTimeout = TimeSpan.FromSeconds(180),
                SiloStopTimeout = SiloStopTimeout,
                Settings = new Dictionary<string, string> { ["Logging__LogLevel__Default"] = "Warning" },
                ConfigureSilo = silo => silo with { LogFile = Path.Combine(logs, $"cluster.silo{silo.Name}.log") },
                Progress = Progress.Say,
            });
        }
        catch (Exception e) when (e is not BenchFailedException)
        {
            var note = $"not run: the cluster did not start ({e.Message})";
            notes.Add(("cluster", note));
            failures.Add($"cluster: {note}");
            Progress.Say($"cluster: {note}");
            return;
        }

        await using (cluster)
        {
            Progress.Say($"Cluster ready: load balancer {cluster.Url.ToString().TrimEnd('/')}, silos {string.Join(' ', cluster.SiloUrls.Select(u => u.ToString().TrimEnd('/')))} " +
                $"(PIDs {string.Join(' ', cluster.SiloProcessIds)}), database port {cluster.Postgres?.Port}");
            var key = await Dashboard.DashboardKeyMaker.CreateKeyAsync(cluster.Url);
            var target = new Target(cluster.Url, cluster.SiloUrls, cluster.SiloMetricsUrls, cluster.SiloProcessIds, new PostgresRowCounter(cluster.ConnectionString), key);
            await compare.WrkAsync("cluster", target, "single.lua", options.Connections, 1, 202);
            await compare.RateAsync("cluster", target);
            Progress.Say("Stopping the cluster");
        }
    }

    private static string SqliteVersion()
    {
        using var connection = new SqliteConnection("Data Source=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT sqlite_version()";
        return (string)command.ExecuteScalar()!;
    }

    private static async Task BuildAsync(string project, string log)
    {
        try
        {
            await File.AppendAllTextAsync(log, await CommandRunner.RunAsync("dotnet",
                ["build", project, "-c", "Release", "-nologo", "-v", "quiet", "-clp:NoSummary"], timeout: BuildTimeout));
        }
        catch (InvalidOperationException e)
        {
            await File.AppendAllTextAsync(log, e.Message);
            Console.Error.WriteLine(string.Join('\n', e.Message.Split('\n').TakeLast(30)));
            throw new BenchFailedException($"building {project} failed (log: {log})");
        }
    }
}
