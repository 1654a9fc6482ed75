namespace Mentiora.Bench.Measuring;

/// <summary>A named set of processes whose CPU is reported together ("app" is every silo).</summary>
public sealed record CpuGroup(string Name, IReadOnlyCollection<int> ProcessIds);
