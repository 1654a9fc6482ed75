using Mentiora.Bench.Output;

namespace Mentiora.Bench.Measuring;

/// <summary>One load run's result line and the CPU split while it ran.</summary>
public sealed record Measurement(ResultLine Result, CpuSplit Cpu)
{
    /// <summary>Waits for the load generator, stops the sampler, and reads the generator's result line; a failed run stops the benchmark.</summary>
    public static async Task<Measurement> CollectAsync(string tool, ExternalProcess process, CpuSampler sampler, string marker, Uri target, string log)
    {
        var (exitCode, output) = await process.WaitAsync();
        var cpu = await sampler.StopAsync();
        if (exitCode != 0)
        {
            Console.Error.Write(output);
            throw new BenchFailedException($"{tool} failed against {target} (log: {log})");
        }

        var result = ResultLine.FindLast(output, marker) ?? throw new BenchFailedException($"{tool} printed no result line (log: {log})");
        return new Measurement(result, cpu);
    }
}
