using Mentiora.Bench.Checking;
using Mentiora.Bench.Dashboard;
using Mentiora.Bench.Measuring;
using Mentiora.Bench.Output;
using Mentiora.Harness.Silos;

namespace Mentiora.Bench.Targets;

/// <summary>One Mentiora process (PostgreSQL or embedded SQLite mode) with a key made through its dashboard.</summary>
public sealed class SingleApp : IAsyncDisposable
{
    // The app drains its trace queue on SIGTERM; give it that long before it is killed.
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);

    // The first start creates the schema; later ones take seconds.
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(180);

    private readonly SiloProcess _process;

    private SingleApp(SiloProcess process, Target target)
    {
        _process = process;
        Target = target;
    }

    public Target Target { get; }

    /// <summary>Starts the app named <paramref name="name"/> with the given settings and creates a key through its dashboard.</summary>
    public static async Task<SingleApp> StartAsync(BenchFiles files, string logs, string name, string? connectionString,
        IRowCounter rows, IReadOnlyDictionary<string, string> settings)
    {
        var log = Path.Combine(logs, $"{name}.app.log");
        var options = new SiloOptions
        {
            Name = name,
            ConnectionString = connectionString,
            ClusterId = $"bench-{name}",
            AppDll = files.WebDll,
            // The project folder is the content root, as `dotnet run` and the local cluster have it.
            ContentRoot = files.WebDirectory,
            LogFile = log,
            StartTimeout = ReadyTimeout,
            Settings = new Dictionary<string, string>(settings) { ["Logging__LogLevel__Default"] = "Warning" },
        };
        Progress.Say($"Starting Mentiora ({name}), log {log}");
        var process = await SiloProcess.StartAsync(options);
        try
        {
            Progress.Say($"Mentiora ({name}) ready at {process.BaseAddress.ToString().TrimEnd('/')} (PID {process.ProcessId})");
            var key = await DashboardKeyMaker.CreateKeyAsync(process.BaseAddress);
            return new SingleApp(process, new Target(process.BaseAddress, [process.BaseAddress], [process.MetricsAddress], [process.ProcessId], rows, key));
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Progress.Say($"Stopping Mentiora (PID {_process.ProcessId})");
        await _process.StopAsync(StopTimeout);
        await _process.DisposeAsync();
    }
}
