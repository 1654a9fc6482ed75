using System.Globalization;
using Mentiora.Harness.Processes;

namespace Mentiora.Harness.Cli;

/// <summary><c>status</c>: what of the cluster in D runs and whether each silo and the load balancer answer /readyz.</summary>
internal static class StatusCommand
{
    /// <summary>The exit code when D holds no cluster.</summary>
    public const int NoCluster = 3;

    public static async Task<int> RunAsync(CliArguments arguments)
    {
        var state = ClusterEnv.Read(arguments.Directory);
        if (state is null)
        {
            Console.WriteLine($"No cluster at {arguments.Directory}.");
            return NoCluster;
        }

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
        var healthy = true;
        var url = state.GetValueOrDefault("MENTIORA_URL", "");
        var nginxPid = Pid(state.GetValueOrDefault("MENTIORA_NGINX_PID", ""));
        var code = await ReadyzAsync(http, url);
        healthy &= code == "200";
        Console.WriteLine($"load balancer {url}: {Running(nginxPid, Path.Combine(arguments.Directory, "nginx", "nginx.conf"), ref healthy)}, /readyz {code}");

        var pids = ClusterEnv.Words(state, "MENTIORA_SILO_PIDS");
        var urls = ClusterEnv.Words(state, "MENTIORA_SILO_URLS");
        var appDll = state.GetValueOrDefault("MENTIORA_APP_DLL", RepositoryLayout.AppDll);
        for (var i = 0; i < urls.Length; i++)
        {
            code = await ReadyzAsync(http, urls[i]);
            healthy &= code == "200";
            Console.WriteLine($"silo {i + 1} {urls[i]}: {Running(i < pids.Length ? Pid(pids[i]) : 0, appDll, ref healthy)}, /readyz {code}");
        }

        var postgresPid = Pid(state.GetValueOrDefault("MENTIORA_POSTGRES_PID", ""));
        var dataDir = Path.Combine(state.GetValueOrDefault("MENTIORA_POSTGRES_DIR", ""), "data");
        Console.WriteLine($"PostgreSQL {state.GetValueOrDefault("MENTIORA_POSTGRES", "")}: {Running(postgresPid, $"-D {dataDir}", ref healthy)}");
        return healthy ? 0 : 1;
    }

    private static string Running(int pid, string commandLinePart, ref bool healthy)
    {
        if (ProcessAlive.IsRunning(pid, commandLinePart)) return $"running, PID {pid}";
        healthy = false;
        return "NOT RUNNING";
    }

    private static int Pid(string text) => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : 0;

    private static async Task<string> ReadyzAsync(HttpClient http, string url)
    {
        if (url.Length == 0) return "no answer";
        try
        {
            using var response = await http.GetAsync($"{url}/readyz");
            return ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return "no answer";
        }
    }
}
