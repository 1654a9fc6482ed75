namespace Mentiora.Bench.Measuring;

/// <summary>One load run's result line and the CPU split while it ran.</summary>
public sealed record Measurement(ResultLine Result, CpuSplit Cpu);
