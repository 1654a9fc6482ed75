using System.Diagnostics;
using System.Globalization;
using Mentiora.Harness.Ports;
using Mentiora.Harness.Prerequisites;
using Mentiora.Harness.Processes;

namespace Mentiora.Harness.Nginx;

/// <summary>
/// nginx balancing silos on one port, from the rendered deploy/nginx.conf.template, with every file it writes (config,
/// logs, pid, temporary files) inside one folder, so that it needs nothing of the system's configuration.
/// </summary>
/// <remarks>
/// Usage: <c>await using var lb = await NginxProcess.StartAsync(dir, ["127.0.0.1:5001", "127.0.0.1:5002"]);</c> then
/// <c>lb.Url</c>, <c>lb.ProcessId</c>.
/// </remarks>
public sealed class NginxProcess : IAsyncDisposable
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(20);
    private int _disposed;

    private NginxProcess(string directory, int port, int processId)
    {
        Directory = directory;
        Port = port;
        ProcessId = processId;
    }

    /// <summary>The folder with nginx.conf, error.log, access.log, nginx.pid and tmp/.</summary>
    public string Directory { get; }

    /// <summary>The rendered configuration.</summary>
    public string ConfigFile => Path.Combine(Directory, "nginx.conf");

    /// <summary>The port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>What clients use.</summary>
    public Uri Url => new($"http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>The master process.</summary>
    public int ProcessId { get; }

    /// <summary>True while the master process runs.</summary>
    public bool IsRunning => ProcessAlive.IsRunning(ProcessId, ConfigFile);

    /// <summary>
    /// Renders the template for <paramref name="upstreams"/> into <paramref name="directory"/>, checks it with <c>nginx -t</c>, starts
    /// nginx on <paramref name="port"/> (0: a free one, retried when taken meanwhile) and waits until it answers /readyz with 200.
    /// </summary>
    public static async Task<NginxProcess> StartAsync(
        string directory, IReadOnlyList<string> upstreams, int port = 0, bool stopWithThisProcess = true, Action<string>? progress = null,
        IReadOnlyList<string>? outerProxies = null)
    {
        var nginx = await HostTools.RequireAsync(Prerequisite.Nginx, install: true, progress);
        directory = Path.GetFullPath(directory);
        return port == 0
            ? await FreePort.RetryWhenTakenAsync(() => StartOnceAsync(nginx, directory, upstreams, FreePort.Next(), stopWithThisProcess, progress, outerProxies))
            : await StartOnceAsync(nginx, directory, upstreams, port, stopWithThisProcess, progress, outerProxies);
    }

    /// <summary>A handle on an nginx a previous process started (the command line's <c>stop</c>).</summary>
    public static NginxProcess Adopt(string directory, int port, int processId) => new(directory, port, processId);

    /// <summary>Writes the rendered configuration for <paramref name="upstreams"/> into <paramref name="directory"/> and returns its path.</summary>
    public static string WriteConfig(string directory, IReadOnlyList<string> upstreams, int port, IReadOnlyList<string>? outerProxies = null)
    {
        System.IO.Directory.CreateDirectory(Path.Combine(directory, "tmp"));
        var variables = NginxTemplate.VariablesFor($"127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}", upstreams, directory, Path.Combine(directory, "tmp"), outerProxies);
        var config = Path.Combine(directory, "nginx.conf");
        File.WriteAllText(config, NginxTemplate.Render(File.ReadAllText(NginxTemplate.DefaultPath), variables));
        return config;
    }

    /// <summary>
    /// The command-line arguments that run <paramref name="config"/> with every file in <paramref name="directory"/>: the
    /// process-wide settings the template leaves to the command line (foreground, pid file, as root an unprivileged user).
    /// </summary>
    public static IReadOnlyList<string> Arguments(string nginx, string directory, string config)
    {
        var global = $"daemon off; pid {Path.Combine(directory, "nginx.pid")};";
        // A master process run by root hands the work to an unprivileged user.
        if (HostTools.IsRoot) global += " user nobody nogroup;";
        List<string> arguments = ["-p", directory, "-c", config, "-g", global];
        // nginx opens its compiled-in error log before reading the config; -e keeps that inside the folder too.
        if (SupportsEarlyErrorLog(nginx)) arguments.AddRange(["-e", Path.Combine(directory, "error.log")]);
        return arguments;
    }

    private static async Task<NginxProcess> StartOnceAsync(
        string nginx, string directory, IReadOnlyList<string> upstreams, int port, bool stopWithThisProcess, Action<string>? progress,
        IReadOnlyList<string>? outerProxies)
    {
        var config = WriteConfig(directory, upstreams, port, outerProxies);
        var arguments = Arguments(nginx, directory, config);
        try
        {
            await CommandRunner.RunAsync(nginx, ["-t", "-q", .. arguments], workingDirectory: "/");
        }
        catch (InvalidOperationException e)
        {
            throw new InvalidOperationException($"nginx refused the configuration {config}: {e.Message}", e);
        }

        progress?.Invoke($"Starting nginx on 127.0.0.1:{port} ({nginx}, config {config})");
        // setsid and output to a file: nginx outlives a command line that started it, and a Ctrl-C there does not reach it.
        var start = new ProcessStartInfo("/bin/sh")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            WorkingDirectory = "/",
        };
        foreach (var argument in new[] { "-c", "exec setsid \"$0\" \"$@\" </dev/null >>\"$MENTIORA_NGINX_STDOUT\" 2>&1", nginx }.Concat(arguments))
            start.ArgumentList.Add(argument);
        start.Environment["MENTIORA_NGINX_STDOUT"] = Path.Combine(directory, "stdout.log");
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var started = new NginxProcess(directory, port, process.Id);
        try
        {
            if (stopWithThisProcess) await started.StartWatchdogAsync();
            await started.WaitUntilReadyAsync();
            return started;
        }
        catch
        {
            await started.DisposeAsync();
            throw;
        }
    }

    /// <summary>The last lines of nginx's error log, for failure messages.</summary>
    public string ErrorLogTail(int lines = 15) => LogFiles.Tail(Path.Combine(Directory, "error.log"), lines);

    /// <summary>Stops nginx (SIGTERM to the master, SIGKILL to whatever of it runs after 10 s, workers of a killed master included).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        // Workers outlive a master killed with SIGKILL; they stay in the master's process group, so they are found there.
        var workers = ProcessGroup.Members(ProcessId).Where(pid => pid != ProcessId).Select(pid => (pid, (string?)"nginx")).ToList();
        // A living master stops its own workers; only the orphans of a dead one are signalled one by one.
        if (IsRunning) await ProcessAlive.StopAsync([(ProcessId, ConfigFile)], TimeSpan.FromSeconds(10));
        await ProcessAlive.StopAsync(workers, TimeSpan.FromSeconds(10));
    }

    private async Task WaitUntilReadyAsync()
    {
        using var http = new HttpClient { BaseAddress = Url, Timeout = TimeSpan.FromSeconds(3) };
        var deadline = Stopwatch.StartNew();
        var lastSeen = "none";
        while (true)
        {
            if (await HasExitedAsync())
            {
                throw new InvalidOperationException(
                    $"nginx exited during start.\n{ErrorLogTail()}\n{LogFiles.Tail(Path.Combine(Directory, "stdout.log"), 15)}");
            }

            try
            {
                using var response = await http.GetAsync("/readyz");
                if ((int)response.StatusCode == 200) return;
                lastSeen = ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                lastSeen = e.Message;
            }

            if (deadline.Elapsed > ReadyTimeout)
                throw new InvalidOperationException($"the load balancer {Url} did not answer /readyz with 200 within {ReadyTimeout.TotalSeconds:0}s (last answer: {lastSeen})");
            await Task.Delay(200);
        }
    }

    // /proc/<pid>/cmdline can read empty for a moment while the process execs (sh, then setsid, then
    // nginx) or while nginx rewrites its title: only a process that stays gone for a while has exited.
    private async Task<bool> HasExitedAsync()
    {
        for (var look = 0; look < 4; look++)
        {
            if (IsRunning) return false;
            await Task.Delay(100);
        }

        return true;
    }

        private Task StartWatchdogAsync()
    {
        const string script = """
            host=$1; nginx=$2
            (while kill -0 "$host" && kill -0 "$nginx"; do sleep 1; done
             kill -9 -- "-$nginx" "$nginx") </dev/null >/dev/null 2>&1 &
            """;
        return CommandRunner.RunAsync("/bin/sh", [
            "-c", script, "sh", Environment.ProcessId.ToString(CultureInfo.InvariantCulture), ProcessId.ToString(CultureInfo.InvariantCulture),
        ], workingDirectory: "/");
    }

    private static bool SupportsEarlyErrorLog(string nginx)
    {
        try
        {
            using var help = Process.Start(new ProcessStartInfo(nginx, ["-h"]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
            var text = help.StandardError.ReadToEnd() + help.StandardOutput.ReadToEnd();
            help.WaitForExit(5000);
            return text.Contains("-e filename", StringComparison.Ordinal);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
