using System.Globalization;
using System.Text.RegularExpressions;
using Mentiora.Harness.Processes;
using Mentiora.Tests.Infrastructure;

namespace Mentiora.Tests.Cluster;

/// <summary>
/// <c>deploy/local-cluster.sh</c>, as an operator or a script runs it: start prints where everything is and writes it to
/// cluster.env, status says it all runs, stop takes it all down and removes the folder.
/// </summary>
public sealed partial class LocalClusterCommandTests
{
    private static readonly string Script = Path.Combine(RepositoryRoot.Path, "deploy", "local-cluster.sh");

    [Fact]
    public async Task StartStatusAndStopRunAClusterThatOutlivesTheCommandAndLeaveNothingBehind()
    {
        // Under /tmp as root too: the postgres system user must reach the database folder inside it.
        var dir = Path.Combine(Environment.UserName == "root" ? "/tmp" : Path.GetTempPath(), $"mentiora-lc-test-{Guid.NewGuid():N}");
        try
        {
            var started = await RunAsync("start", "--silos", "1", "--port", "0", "--dir", dir);

            Assert.Contains("Mentiora cluster running: 1 silo(s) behind nginx on one PostgreSQL.", started);
            var state = File.ReadLines(Path.Combine(dir, "cluster.env")).Select(l => StateLine().Match(l)).Where(m => m.Success)
                .ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
            foreach (var name in new[] { "MENTIORA_URL", "MENTIORA_POSTGRES", "MENTIORA_SILO_URLS", "MENTIORA_SILO_PIDS", "MENTIORA_NGINX_PID", "MENTIORA_POSTGRES_PID", "MENTIORA_POSTGRES_DIR" })
            {
                Assert.False(string.IsNullOrEmpty(state.GetValueOrDefault(name)), $"cluster.env sets no {name}:\n{File.ReadAllText(Path.Combine(dir, "cluster.env"))}");
            }

            // The command has exited; what it started still answers.
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            Assert.Equal(200, (int)(await http.GetAsync($"{state["MENTIORA_URL"]}/readyz")).StatusCode);
            var status = await RunAsync("status", "--dir", dir);
            Assert.Contains($"load balancer {state["MENTIORA_URL"]}: running", status);
            Assert.Contains("silo 1", status);

            await RunAsync("stop", "--dir", dir);

            Assert.False(Directory.Exists(dir), $"stop should remove {dir}");
            foreach (var pid in new[] { state["MENTIORA_SILO_PIDS"], state["MENTIORA_NGINX_PID"], state["MENTIORA_POSTGRES_PID"] })
            {
                Assert.False(ProcessAlive.IsRunning(int.Parse(pid, CultureInfo.InvariantCulture)), $"PID {pid} still runs after stop");
            }
        }
        finally
        {
            // A failed assertion must not leave a cluster running.
            if (Directory.Exists(dir)) await CommandRunner.RunAsync("bash", [Script, "stop", "--dir", dir], timeout: TimeSpan.FromSeconds(90));
        }
    }

    private static Task<string> RunAsync(params string[] arguments) =>
        CommandRunner.RunAsync("bash", [Script, .. arguments], workingDirectory: RepositoryRoot.Path, timeout: TimeSpan.FromSeconds(300));

    [GeneratedRegex("^(MENTIORA_[A-Z_]+)='([^']*)'$")]
    private static partial Regex StateLine();
}
