using System.Diagnostics;
using System.Globalization;
using System.Net;
using Mentiora.Harness.Ports;
using Mentiora.Harness.Processes;

namespace Mentiora.Harness.Silos;

/// <summary>
/// Mentiora.Web (web app and Orleans silo) as a process of its own, the way it is deployed, so that several silos of one
/// cluster can run side by side and one can be killed the hard way.
/// </summary>
/// <remarks>
/// Usage: <c>await using var silo = await SiloProcess.StartAsync(new SiloOptions { ConnectionString = cs });</c>
/// then <c>silo.BaseAddress</c>, <c>silo.CreateClient()</c>, <c>silo.Kill()</c>, <c>silo.OutputTail()</c>.
/// </remarks>
public sealed class SiloProcess : IAsyncDisposable
{
    // 200 once the database answers and the silo is active in the cluster: only then can it reach every grain.
    private const string ReadinessPath = "/readyz";

    // A silo of a whole cluster test prints a few thousand lines; this bounds a runaway one.
    private const int KeptLines = 200_000;

    private readonly Process _process;
    private readonly SiloOptions _options;
    private readonly Queue<string> _output = new();
    private readonly Stopwatch _age = Stopwatch.StartNew();
    private int _droppedLines;
    private int _disposed;

    private SiloProcess(SiloOptions options, Uri baseAddress, int siloPort, int gatewayPort, int metricsPort, Process process)
    {
        _options = options;
        BaseAddress = baseAddress;
        SiloPort = siloPort;
        GatewayPort = gatewayPort;
        MetricsPort = metricsPort;
        _process = process;
    }

    /// <summary>What messages call this silo ("A", "1").</summary>
    public string Name => _options.Name;

    /// <summary>Where its web server listens.</summary>
    public Uri BaseAddress { get; }

    /// <summary>The Orleans silo-to-silo port.</summary>
    public int SiloPort { get; }

    /// <summary>The Orleans client gateway port.</summary>
    public int GatewayPort { get; }

    /// <summary>The port of its Prometheus endpoint, apart from the web port.</summary>
    public int MetricsPort { get; }

    /// <summary>Where Prometheus scrapes it: <c>MetricsAddress + "metrics"</c>.</summary>
    public Uri MetricsAddress => new($"http://127.0.0.1:{MetricsPort}/");

    /// <summary>The options it was started with (to start a replacement like it).</summary>
    public SiloOptions Options => _options;

    /// <summary>The operating system's id of the process.</summary>
    public int ProcessId => _process.Id;

    /// <summary>True once the process is gone, whoever ended it.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>The exit code once the process is gone (0: it stopped cleanly), else null.</summary>
    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    /// <summary>How long start-up took until the silo answered ready.</summary>
    public TimeSpan StartupTime { get; private set; }

    /// <summary>How many lines fell out of the kept output.</summary>
    public int DroppedLineCount
    {
        get
        {
            lock (_output) return _droppedLines;
        }
    }

    /// <summary>The Mentiora.Web.dll beside this program (the tests' output folder has one).</summary>
    public static string DefaultAppDll => Path.Combine(AppContext.BaseDirectory, "Mentiora.Web.dll");

    /// <summary>Starts the silo on free ports (new ones when a port was taken meanwhile) and waits until it answers ready.</summary>
    public static Task<SiloProcess> StartAsync(SiloOptions options) =>
        FreePort.RetryWhenTakenAsync(() => StartOnceAsync(options, FreePort.Next(), FreePort.Next(), FreePort.Next(), FreePort.Next()));

    /// <summary>Starts the silo on the given ports (e.g. a restarted silo on the ports nginx knows) and waits until it answers ready.</summary>
    public static Task<SiloProcess> StartOnPortsAsync(SiloOptions options, int httpPort, int siloPort, int gatewayPort, int metricsPort) =>
        StartOnceAsync(options, httpPort, siloPort, gatewayPort, metricsPort);

    private static async Task<SiloProcess> StartOnceAsync(SiloOptions options, int httpPort, int siloPort, int gatewayPort, int metricsPort)
    {
        var appDll = options.AppDll ?? DefaultAppDll;
        var detached = options.LogFile is not null;
        var start = new ProcessStartInfo
        {
            UseShellExecute = false,
            WorkingDirectory = options.ContentRoot ?? Path.GetDirectoryName(appDll)!,
            RedirectStandardOutput = !detached,
            RedirectStandardError = !detached,
            RedirectStandardInput = detached,
        };
        if (detached)
        {
            // setsid: a Ctrl-C in the caller's terminal must not reach the silo, and it must outlive the caller. Its
            // output goes to a file, not a pipe that would break when the caller exits. The PID stays the silo's: a
            // child of ours leads no process group, so setsid runs it without forking.
            start.FileName = "/bin/sh";
            foreach (var argument in new[] { "-c", "exec setsid \"$0\" \"$@\" </dev/null >>\"$MENTIORA_SILO_LOG\" 2>&1", "dotnet", appDll })
                start.ArgumentList.Add(argument);
            start.Environment["MENTIORA_SILO_LOG"] = options.LogFile!;
        }
        else
        {
            start.FileName = "dotnet";
            start.ArgumentList.Add(appDll);
        }

        if (!options.InheritEnvironment) start.Environment.Clear();
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{httpPort}",
            ["Orleans__SiloPort"] = siloPort.ToString(CultureInfo.InvariantCulture),
            ["Orleans__GatewayPort"] = gatewayPort.ToString(CultureInfo.InvariantCulture),
            ["Metrics__Port"] = metricsPort.ToString(CultureInfo.InvariantCulture),
            ["Orleans__AdvertisedIP"] = "127.0.0.1",
            ["Orleans__ClusterId"] = options.ClusterId,
            ["Orleans__ServiceId"] = options.ServiceId ?? options.ClusterId,
        };
        if (options.ConnectionString is not null) environment["ConnectionStrings__Postgres"] = options.ConnectionString;
        if (!detached)
        {
            // What a test reads back; a silo of the command line keeps the app's own logging.
            environment["ASPNETCORE_ENVIRONMENT"] = "Production";
            environment["DOTNET_ENVIRONMENT"] = "Production";
            // Membership changes are what a failing cluster test needs to explain itself.
            environment["Logging__LogLevel__Orleans.Runtime.MembershipService"] = "Information";
            environment["Logging__Console__FormatterName"] = "simple";
            environment["Logging__Console__FormatterOptions__SingleLine"] = "true";
            environment["Logging__Console__FormatterOptions__TimestampFormat"] = "HH:mm:ss.fff ";
        }

        foreach (var (key, value) in options.Settings) environment[key] = value;
        foreach (var (key, value) in environment) start.Environment[key] = value;

        var process = new Process { StartInfo = start };
        var silo = new SiloProcess(options, new Uri($"http://127.0.0.1:{httpPort}"), siloPort, gatewayPort, metricsPort, process);
        if (!detached)
        {
            process.OutputDataReceived += (_, e) => silo.Keep(e.Data);
            process.ErrorDataReceived += (_, e) => silo.Keep(e.Data);
        }

        process.Start();
        if (detached)
        {
            process.StandardInput.Close();
        }
        else
        {
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        try
        {
            if (options.StopWithThisProcess) await silo.StartWatchdogAsync();
            await silo.WaitUntilReadyAsync();
            return silo;
        }
        catch
        {
            await silo.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// A client of its own for this silo: cookies in <paramref name="cookies"/> (a new jar unless given) and redirects
    /// looked at, not followed.
    /// </summary>
    public HttpClient CreateClient(CookieContainer? cookies = null)
    {
        HttpMessageHandler handler = new HttpClientHandler
        {
            AllowAutoRedirect = false,
            UseCookies = true,
            CookieContainer = cookies ?? new CookieContainer(),
        };
        if (_options.WrapClientHandler is { } wrap) handler = wrap(this, handler);
        return new HttpClient(handler) { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>The lines of output kept so far (all but for a runaway silo); read from the log file of a detached silo.</summary>
    public IReadOnlyList<string> OutputLines()
    {
        if (_options.LogFile is { } log) return LogFiles.ReadLines(log);
        lock (_output)
        {
            return _output.ToArray();
        }
    }

    /// <summary>The last lines the process wrote (both streams), for failure messages.</summary>
    public string OutputTail(int lines = 40)
    {
        var kept = OutputLines().TakeLast(lines).ToArray();
        string state;
        try
        {
            state = _process.HasExited ? $"exited with code {_process.ExitCode}" : "running";
        }
        catch (InvalidOperationException)
        {
            state = "not started";
        }

        return $"--- silo {Name} ({BaseAddress}, pid {ProcessIdOrZero()}, {state}), last {kept.Length} lines of output ---\n"
            + string.Join('\n', kept);
    }

    /// <summary>Ends the process at once with SIGKILL, as a crash or an OOM kill would: no graceful leaving of the cluster.</summary>
    public void Kill()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Never started: nothing to kill.
        }
    }

    /// <summary>Asks the silo to leave the cluster and stop (SIGTERM), and waits up to <paramref name="timeout"/> before killing it.</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        if (HasExited) return;
        ProcessAlive.Signal(ProcessId, "TERM");
        using var wait = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(wait.Token);
        }
        catch (OperationCanceledException)
        {
            Kill();
        }
    }

    /// <summary>Kills the process if it still runs, then runs <see cref="SiloOptions.AfterStop"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;

        try
        {
            Kill();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (Exception e) when (e is InvalidOperationException or OperationCanceledException)
        {
            // Never started, or already gone: nothing is left to stop.
        }
        finally
        {
            _process.Dispose();
        }

        // After the exit, so the last lines are in; the process is gone whatever the hook finds.
        if (_options.AfterStop is { } afterStop) await afterStop(this);
    }

    private int ProcessIdOrZero()
    {
        try
        {
            return _process.Id;
        }
        catch (InvalidOperationException)
        {
            return 0;
        }
    }

    private void Keep(string? line)
    {
        if (line is null) return;
        _options.OnOutputLine?.Invoke(this, line);
        lock (_output)
        {
            _output.Enqueue(line);
            if (_output.Count > KeptLines)
            {
                _droppedLines++;
                var dropped = _output.Dequeue();
                _options.OnLineDropped?.Invoke(this, dropped, _droppedLines);
            }
        }
    }

    // A silo outlives a host that is killed (test timeout, Ctrl+C) and would keep its ports and the database busy; a
    // detached shell kills it when the host is gone.
    private Task StartWatchdogAsync()
    {
        const string script = """
            host=$1; silo=$2
            (while kill -0 "$host" && kill -0 "$silo"; do sleep 1; done
             kill -9 "$silo") </dev/null >/dev/null 2>&1 &
            """;
        return CommandRunner.RunAsync("/bin/sh", [
            "-c", script, "sh",
            Environment.ProcessId.ToString(CultureInfo.InvariantCulture),
            _process.Id.ToString(CultureInfo.InvariantCulture),
        ], workingDirectory: "/");
    }

    private async Task WaitUntilReadyAsync()
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        var lastSeen = "no answer yet";
        while (deadline.Elapsed < _options.StartTimeout)
        {
            if (_process.HasExited)
            {
                await _process.WaitForExitAsync();
                throw new InvalidOperationException($"Silo {Name} stopped during start-up (exit code {_process.ExitCode}).\n{OutputTail()}");
            }

            try
            {
                using var response = await http.GetAsync(ReadinessPath);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    StartupTime = _age.Elapsed;
                    return;
                }

                if (response.StatusCode == HttpStatusCode.NotFound)
                    throw new InvalidOperationException($"Silo {Name} answers {ReadinessPath} with 404: {_options.AppDll ?? DefaultAppDll} predates the health endpoints; build it again.");
                lastSeen = $"GET {ReadinessPath} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}";
            }
            catch (HttpRequestException e)
            {
                lastSeen = $"GET {ReadinessPath} failed: {e.Message}";
            }
            catch (TaskCanceledException)
            {
                lastSeen = $"GET {ReadinessPath} did not answer within {http.Timeout.TotalSeconds:0} s";
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }

        throw new InvalidOperationException($"Silo {Name} was not ready within {_options.StartTimeout.TotalSeconds:0} s ({lastSeen}).\n{OutputTail()}");
    }
}
