using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace Mentiora.Tests.Infrastructure;

/// <summary>
/// Mentiora.Web (web app and Orleans silo) as a process of its own, the way it is deployed, so a
/// test can run several silos of one cluster and kill one the hard way. Its output is kept to
/// explain a failure and, when it is disposed, scanned for every secret issued in the run.
/// </summary>
public sealed class SiloProcess : IAsyncDisposable
{
    /// <summary>How long a silo may take to answer /readyz with 200.</summary>
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    // 200 once the database answers and the silo is active in the cluster: only then can it reach every grain.
    private const string ReadinessPath = "/readyz";
    // A silo of a whole cluster test prints a few thousand lines; this bounds a runaway one. Lines
    // beyond it are scanned as they are dropped, against the secrets known by then.
    private const int KeptLines = 200_000;

    private readonly Process _process;
    private readonly Queue<string> _output = new();
    private readonly List<SecretFinding> _findingsInDroppedLines = [];
    private int _droppedLines;
    private readonly Stopwatch _age = Stopwatch.StartNew();
    private int _disposed;

    private SiloProcess(string name, Uri baseAddress, Process process)
    {
        Name = name;
        BaseAddress = baseAddress;
        _process = process;
    }

    /// <summary>What the test calls this silo in messages ("A", "B").</summary>
    public string Name { get; }

    /// <summary>Where its web server listens.</summary>
    public Uri BaseAddress { get; }

    /// <summary>The operating system's id of the process.</summary>
    public int ProcessId => _process.Id;

    /// <summary>True once the process is gone, whoever ended it.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>How long start-up took until the silo answered ready.</summary>
    public TimeSpan StartupTime { get; private set; }

    /// <summary>
    /// Starts Mentiora.Web from the test output folder in PostgreSQL mode, joining the cluster
    /// <paramref name="clusterId"/>, and waits until it says it is ready.
    /// </summary>
    public static async Task<SiloProcess> StartAsync(
        string name, string connectionString, string clusterId, IReadOnlyDictionary<string, string>? settings = null)
    {
        var httpPort = FreePort.Next();
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { Path.Combine(AppContext.BaseDirectory, "Mentiora.Web.dll") },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        var environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__Postgres"] = connectionString,
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{httpPort}",
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["Orleans__SiloPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            ["Orleans__GatewayPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            ["Orleans__AdvertisedIP"] = "127.0.0.1",
            ["Orleans__ClusterId"] = clusterId,
            ["Orleans__ServiceId"] = clusterId,
            // Membership changes are what a failing cluster test needs to explain itself.
            ["Logging__LogLevel__Orleans.Runtime.MembershipService"] = "Information",
            ["Logging__Console__FormatterName"] = "simple",
            ["Logging__Console__FormatterOptions__SingleLine"] = "true",
            ["Logging__Console__FormatterOptions__TimestampFormat"] = "HH:mm:ss.fff ",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = new Process { StartInfo = start };
        var silo = new SiloProcess(name, new Uri($"http://127.0.0.1:{httpPort}"), process);
        process.OutputDataReceived += (_, e) => silo.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => silo.Keep(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await silo.StartWatchdogAsync();
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
    /// A client of its own for this silo: cookies in <paramref name="cookies"/> (a new jar unless
    /// given) and redirects looked at, not followed.
    /// </summary>
    public HttpClient CreateClient(CookieContainer? cookies = null)
    {
        var handler = new HttpClientHandler
        {
            AllowAutoRedirect = false,
            UseCookies = true,
            CookieContainer = cookies ?? new CookieContainer(),
        };
        return new HttpClient(new SecretWatchingHandler($"silo {Name}", handler)) { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>The lines of output kept so far (all but for a runaway silo), to look for what the silo logged.</summary>
    public IReadOnlyList<string> OutputLines()
    {
        lock (_output)
        {
            return _output.ToArray();
        }
    }

    /// <summary>The last lines the process wrote (both streams), for assertion messages.</summary>
    public string OutputTail(int lines = 40)
    {
        string[] kept;
        lock (_output)
        {
            kept = _output.TakeLast(lines).ToArray();
        }

        var state = _process.HasExited ? $"exited with code {_process.ExitCode}" : "running";
        return $"--- silo {Name} ({BaseAddress}, pid {_process.Id}, {state}), last {kept.Length} lines of output ---\n"
            + string.Join('\n', kept);
    }

    /// <summary>Ends the process at once with SIGKILL, as a crash or an OOM kill would: no graceful leaving of the cluster.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

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

        // After the exit, so the last lines are in; the process is gone whatever the scan finds.
        SecretScanner.AssertNone(ScanOutputForSecrets(), $"silo {Name}");
    }

    /// <summary>Every issued secret in what the silo printed, dropped lines included.</summary>
    public IReadOnlyList<SecretFinding> ScanOutputForSecrets()
    {
        string[] kept;
        int dropped;
        List<SecretFinding> findings;
        lock (_output)
        {
            kept = _output.ToArray();
            dropped = _droppedLines;
            findings = [.. _findingsInDroppedLines];
        }

        findings.AddRange(SecretScanner.FindInLines(kept, $"the output of silo {Name}", IssuedSecrets.Current(), dropped + 1));
        return findings;
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Enqueue(line);
            if (_output.Count > KeptLines)
            {
                _droppedLines++;
                _findingsInDroppedLines.AddRange(
                    SecretScanner.FindInLines([_output.Dequeue()], $"the output of silo {Name}", IssuedSecrets.Current(), _droppedLines));
            }
        }
    }

    // A silo outlives a test host that is killed (test timeout, Ctrl+C) and would keep its ports and
    // the database busy; a detached shell kills it when the test host is gone.
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
        using var http = CreateClient();
        http.Timeout = TimeSpan.FromSeconds(5);
        var deadline = Stopwatch.StartNew();
        var lastSeen = "no answer yet";
        while (deadline.Elapsed < StartTimeout)
        {
            if (_process.HasExited)
            {
                await _process.WaitForExitAsync();
                Assert.Fail($"Silo {Name} stopped during start-up (exit code {_process.ExitCode}).\n{OutputTail()}");
            }

            try
            {
                using var response = await http.GetAsync(ReadinessPath);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    StartupTime = _age.Elapsed;
                    return;
                }

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

        Assert.Fail($"Silo {Name} was not ready within {StartTimeout.TotalSeconds:0} s ({lastSeen}).\n{OutputTail()}");
    }
}
