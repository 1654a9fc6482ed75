using System.Globalization;
using Mentiora.Harness.Nginx;
using Mentiora.Harness.Postgres;
using Mentiora.Harness.Processes;

namespace Mentiora.Harness.Cli;

/// <summary>
/// <c>stop</c>: nginx, the silos (SIGTERM, SIGKILL after 30 s) and PostgreSQL of the cluster in D, also when some of them
/// already died, then removes D. Every process is found from D/cluster.env and checked to still be ours.
/// </summary>
internal static class StopCommand
{
    // Room for Orleans to hand grains over and save their last state, like compose's stop_grace_period.
    private static readonly TimeSpan SiloStopTimeout = TimeSpan.FromSeconds(30);

    public static async Task<int> RunAsync(CliArguments arguments)
    {
        var dir = arguments.Directory;
        if (!Directory.Exists(dir))
        {
            Report.Progress($"No cluster at {dir}; nothing to stop");
            return 0;
        }

        var state = ClusterEnv.Read(dir);
        if (state is null) return Report.Fail($"{dir} holds no cluster.env, so it is not a cluster this script started; not touching it");

        // Front to back: no request reaches a silo that is stopping, no silo loses its database early.
        var nginxDir = Path.Combine(dir, "nginx");
        if (Pid(state, "MENTIORA_NGINX_PID") is var nginxPid and > 0)
        {
            var members = ProcessGroup.Members(nginxPid);
            if (members.Count > 0) Report.Progress($"Stopping nginx (PID {string.Join(' ', members)})");
            await NginxProcess.Adopt(nginxDir, 0, nginxPid).DisposeAsync();
        }

        var appDll = state.GetValueOrDefault("MENTIORA_APP_DLL", RepositoryLayout.AppDll);
        var silos = ClusterEnv.Words(state, "MENTIORA_SILO_PIDS")
            .Select(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : 0)
            .Where(pid => ProcessAlive.IsRunning(pid, appDll)).Select(pid => (pid, (string?)appDll)).ToList();
        if (silos.Count > 0)
        {
            Report.Progress($"Stopping the silos (PID {string.Join(' ', silos.Select(s => s.pid))})");
            var killed = await ProcessAlive.StopAsync(silos, SiloStopTimeout);
            if (killed.Count > 0) Report.Warn($"the silos still running after {SiloStopTimeout.TotalSeconds:0}s (PID {string.Join(' ', killed)}); killing");
        }

        var postgresDir = state.GetValueOrDefault("MENTIORA_POSTGRES_DIR", "");
        if (postgresDir.Length > 0 && Directory.Exists(postgresDir))
        {
            var port = PortOf(state.GetValueOrDefault("MENTIORA_POSTGRES", ""));
            var user = state.GetValueOrDefault("MENTIORA_POSTGRES_USER", "");
            var server = ThrowawayPostgres.Adopt(postgresDir, state.GetValueOrDefault("MENTIORA_POSTGRES_BIN", ""), user.Length == 0 ? null : user, port);
            if (server.IsRunning) Report.Progress($"Stopping PostgreSQL (PID {server.ProcessId})");
            try
            {
                // Also removes the server's folder, which may lie outside D.
                await server.DisposeAsync();
            }
            catch (InvalidOperationException e)
            {
                Report.Warn($"PostgreSQL did not stop; killing it ({e.Message.Split('\n')[0]})");
                if (server.ProcessId is { } pid) ProcessAlive.Signal(pid, "KILL");
                if (Directory.Exists(postgresDir)) Directory.Delete(postgresDir, recursive: true);
            }
        }

        Directory.Delete(dir, recursive: true);
        Report.Progress($"Stopped; removed {dir}");
        return 0;
    }

    private static int Pid(IReadOnlyDictionary<string, string> state, string name) =>
        int.TryParse(state.GetValueOrDefault(name, ""), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : 0;

    private static int PortOf(string connectionString)
    {
        var port = connectionString.Split(';').Select(part => part.Split('=', 2)).FirstOrDefault(kv => kv[0].Trim().Equals("Port", StringComparison.OrdinalIgnoreCase));
        return port is { Length: 2 } && int.TryParse(port[1], NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : 0;
    }
}
