using System.Globalization;
using System.Runtime.InteropServices;
using Mentiora.Harness.Clusters;
using Mentiora.Harness.Ports;
using Mentiora.Harness.Prerequisites;

namespace Mentiora.Harness.Cli;

/// <summary>
/// <c>start</c>: a throwaway PostgreSQL, N silos forming one cluster on it and nginx balancing them, all outliving this
/// process; prints the URLs and PIDs and writes them to D/cluster.env.
/// </summary>
internal static class StartCommand
{
    private const string Database = "mentiora";

    // The first start creates the schema and every silo must join the cluster; later starts take seconds.
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(180);

    public static async Task<int> RunAsync(CliArguments arguments)
    {
        var dir = arguments.Directory;
        await HostTools.RequireAsync(Prerequisite.Nginx, install: true, Report.Progress);
        await HostTools.RequireAsync(Prerequisite.Postgres, install: true, Report.Progress);

        if (File.Exists(ClusterEnv.PathIn(dir)))
            return Report.Fail($"a cluster already runs from {dir} (deploy/local-cluster.sh status --dir {dir}); stop it first");
        if (Directory.Exists(dir) && Directory.EnumerateFileSystemEntries(dir).Any())
            return Report.Fail($"{dir} exists and is not empty; pass another --dir");
        if (arguments.Port != 0 && FreePort.IsInUse(arguments.Port))
            return Report.Fail($"port {arguments.Port} is in use; pass --port with another one, or --port 0 for any free port");

        await AppBuild.EnsureCurrentAsync(arguments.Build);

        Directory.CreateDirectory(dir);
        var state = new Dictionary<string, string>
        {
            ["MENTIORA_SILOS"] = arguments.Silos.ToString(CultureInfo.InvariantCulture),
            ["MENTIORA_APP_DLL"] = RepositoryLayout.AppDll,
        };
        // Written first, so that `stop` recognises the folder as a cluster's even if this start is cut short.
        ClusterEnv.Write(dir, state);

        // A Ctrl-C or SIGTERM mid-start would leave processes no cluster.env names: the current step finishes, then
        // everything started so far is stopped again.
        var interrupted = false;
        void OnSignal(PosixSignalContext context)
        {
            context.Cancel = true;
            if (!interrupted) Report.Warn("interrupted; stopping what was started once the current step ends");
            interrupted = true;
        }

        using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);

        Cluster cluster;
        try
        {
            cluster = await Cluster.StartAsync(new ClusterOptions
            {
                Silos = arguments.Silos,
                ClusterId = "mentiora",
                DatabaseName = Database,
                // Real commits, so that benchmark numbers include their cost.
                DurablePostgres = true,
                Nginx = true,
                NginxPort = arguments.Port,
                Directory = dir,
                Detached = true,
                OneByOne = false,
                AppDll = RepositoryLayout.AppDll,
                ContentRoot = RepositoryLayout.WebProject,
                SiloStartTimeout = ReadyTimeout,
                SiloStopTimeout = TimeSpan.FromSeconds(10),
                Progress = Report.Progress,
            });
        }
        catch (Exception e)
        {
            Report.Warn("start failed; stopped what was started");
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
            return Report.Fail(e.Message);
        }

        if (interrupted)
        {
            await cluster.DisposeAsync();
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
            return 130;
        }

        var postgres = cluster.Postgres!;
        var nginx = cluster.Nginx!;
        state["MENTIORA_URL"] = cluster.Url.ToString().TrimEnd('/');
        state["MENTIORA_POSTGRES"] = cluster.ConnectionString;
        state["MENTIORA_SILO_URLS"] = string.Join(' ', cluster.SiloUrls.Select(u => u.ToString().TrimEnd('/')));
        state["MENTIORA_SILO_PORTS"] = string.Join(' ', cluster.Silos.Select(s => s.SiloPort));
        state["MENTIORA_GATEWAY_PORTS"] = string.Join(' ', cluster.Silos.Select(s => s.GatewayPort));
        state["MENTIORA_METRICS_URLS"] = string.Join(' ', cluster.SiloMetricsUrls.Select(u => new Uri(u, "metrics").ToString()));
        state["MENTIORA_SILO_PIDS"] = string.Join(' ', cluster.SiloProcessIds);
        state["MENTIORA_NGINX_PID"] = nginx.ProcessId.ToString(CultureInfo.InvariantCulture);
        state["MENTIORA_POSTGRES_PID"] = postgres.ProcessId?.ToString(CultureInfo.InvariantCulture) ?? "";
        state["MENTIORA_POSTGRES_DIR"] = postgres.RootDirectory!;
        state["MENTIORA_POSTGRES_BIN"] = postgres.BinDirectory!;
        state["MENTIORA_POSTGRES_USER"] = postgres.RunAsUser ?? "";
        ClusterEnv.Write(dir, state);

        var stopCommand = "deploy/local-cluster.sh stop" + (dir == CliArguments.DefaultDirectory ? "" : $" --dir {dir}");
        Console.WriteLine($"Mentiora cluster running: {arguments.Silos} silo(s) behind nginx on one PostgreSQL.");
        Console.WriteLine($"  load balancer  {state["MENTIORA_URL"]}   (nginx PID {nginx.ProcessId})");
        for (var i = 0; i < cluster.Silos.Count; i++)
        {
            var silo = cluster.Silos[i];
            Console.WriteLine($"  silo {i + 1}         {silo.BaseAddress.ToString().TrimEnd('/')}   (PID {silo.ProcessId}, log {Path.Combine(dir, $"silo{i + 1}.log")}, metrics {new Uri(silo.MetricsAddress, "metrics")})");
        }

        Console.WriteLine($"  database       {cluster.ConnectionString}   (PostgreSQL PID {state["MENTIORA_POSTGRES_PID"]})");
        Console.WriteLine($"  state          {ClusterEnv.PathIn(dir)}");
        Console.WriteLine($"Stop it with: {stopCommand}");
        // Not disposed: the cluster outlives this process until `stop`.
        return 0;
    }
}
