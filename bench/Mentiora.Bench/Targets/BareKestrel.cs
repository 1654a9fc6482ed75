using Mentiora.Bench.Measuring;
using Mentiora.Bench.Output;
using Mentiora.Harness.Silos;

namespace Mentiora.Bench.Targets;

/// <summary>
/// The baseline: bench/BareKestrel answering the ingestion route with 202 and nothing else. The
/// harness's silo starter runs it (free ports, /readyz, logs, stop); it ignores the Orleans settings.
/// </summary>
public sealed class BareKestrel : IAsyncDisposable
{
    private readonly SiloProcess _process;

    private BareKestrel(SiloProcess process) => _process = process;

    public Uri Url => _process.BaseAddress;

    public int ProcessId => _process.ProcessId;

    public static async Task<BareKestrel> StartAsync(BenchFiles files, string logs)
    {
        var process = await SiloProcess.StartAsync(new SiloOptions
        {
            Name = "bare",
            AppDll = files.BareKestrelDll,
            ContentRoot = Path.GetDirectoryName(files.BareKestrelProject),
            LogFile = Path.Combine(logs, "bare.log"),
            Settings = { ["Logging__LogLevel__Default"] = "Warning" },
        });
        Progress.Say($"Bare Kestrel ready at {process.BaseAddress.ToString().TrimEnd('/')} (PID {process.ProcessId})");
        return new BareKestrel(process);
    }

    public async ValueTask DisposeAsync()
    {
        await _process.StopAsync(TimeSpan.FromSeconds(30));
        await _process.DisposeAsync();
    }
}
