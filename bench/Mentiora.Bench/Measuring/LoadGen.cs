namespace Mentiora.Bench.Measuring;

/// <summary>Runs bench/LoadGen (fixed rate, open loop) and reads its LOADGEN line.</summary>
public sealed class LoadGen(BenchFiles files, int durationSeconds, string logs)
{
    // LoadGen's warm-up: sent at the same rate, stored, but not in the latency percentiles.
    private const int WarmupSeconds = 2;

    public async Task<Measurement> RunAsync(string label, Uri target, long rate, string key, IReadOnlyList<CpuGroup> cpuGroups)
    {
        var log = Path.Combine(logs, $"{label}.loadgen.log");
        var process = ExternalProcess.Start("dotnet",
            [files.LoadGenDll, "--url", target.ToString().TrimEnd('/'), "--rate", $"{rate}", "--duration", $"{durationSeconds}s",
                "--warmup", $"{WarmupSeconds}s", "--key", key, "--payload", files.Payload], log);
        // The generator itself is a component of its own in the split, like wrk.
        // Sampling starts a few milliseconds after the generator, before it has sent anything.
        var sampler = CpuSampler.Start([.. cpuGroups, new CpuGroup("loadgen", [process.Id])]);
        return await Measurement.CollectAsync("LoadGen", process, sampler, "LOADGEN", target, log);
    }
}
