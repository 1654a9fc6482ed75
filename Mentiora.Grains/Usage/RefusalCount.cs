namespace Mentiora.Grains.Usage;

/// <summary>Refusals of one reason (and, for refused origins, one origin) in one UTC hour.</summary>
[GenerateSerializer, Alias("Mentiora.RefusalCount")]
public sealed record RefusalCount(
    [property: Id(0)] DateTimeOffset Hour,
    [property: Id(1)] KeyRefusalReason Reason,
    [property: Id(2)] string? Origin,
    [property: Id(3)] long Count);
