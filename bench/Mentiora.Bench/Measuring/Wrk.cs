namespace Mentiora.Bench.Measuring;

/// <summary>Runs wrk with one of bench/lua's scripts against POST /api/v1/traces and reads its BENCH line.</summary>
public sealed class Wrk(BenchFiles files, int threads, string logs)
{
    /// <summary>
    /// One run. <paramref name="key"/> is the bearer key, or "" to send no Authorization header.
    /// <paramref name="cpuGroups"/> name the processes whose CPU is reported apart.
    /// </summary>
    public async Task<Measurement> RunAsync(string label, Uri target, string script, int connections, int seconds, string key,
        IReadOnlyList<CpuGroup> cpuGroups)
    {
        var log = Path.Combine(logs, $"{label}.wrk.log");
        List<string> arguments = ["-t", $"{threads}", "-c", $"{connections}", "-d", $"{seconds}s", "--timeout", "10s", "--latency",
            "-s", files.LuaScript(script)];
        if (key.Length > 0)
        {
            arguments.AddRange(["-H", $"Authorization: Bearer {key}"]);
        }

        arguments.AddRange([new Uri(target, "/api/v1/traces").ToString(), "--", files.Payload]);
        var sampler = CpuSampler.Start([.. cpuGroups]);
        return await Measurement.CollectAsync("wrk", ExternalProcess.Start("wrk", arguments, log), sampler, "BENCH", target, log);
    }
}
