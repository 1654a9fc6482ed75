namespace Mentiora.Grains.Usage;

/// <summary>Traces one key had accepted on one UTC day, as a silo summed them since its last report.</summary>
[GenerateSerializer, Alias("Mentiora.AcceptedTraces")]
public sealed record AcceptedTraces(
    [property: Id(0)] Guid KeyId,
    [property: Id(1)] DateOnly Day,
    [property: Id(2)] long Count,
    [property: Id(3)] DateTimeOffset LastAt,
    [property: Id(4)] RequestFacts LastFacts);
