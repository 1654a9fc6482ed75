using Mentiora.Grains.Keys;

namespace Mentiora.Grains.Projects;

/// <summary>The outcome of an origin change, with the origin in its normalised form or the rule it broke.</summary>
[GenerateSerializer, Immutable, Alias("Mentiora.OriginChange")]
public sealed record OriginChange(
    [property: Id(0)] OriginChangeOutcome Outcome,
    [property: Id(1)] string? Origin,
    [property: Id(3)] OriginError? Error);
