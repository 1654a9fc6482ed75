namespace Mentiora.Grains.Usage;

/// <summary>Traces a key had accepted on one UTC day.</summary>
[GenerateSerializer, Alias("Mentiora.DailyTraceCount")]
public sealed record DailyTraceCount(
    [property: Id(0)] DateOnly Day,
    [property: Id(1)] long Count);
