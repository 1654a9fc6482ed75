namespace Mentiora.Grains.Keys;

/// <summary>Why a typed origin was refused: the rule, and the offending part when the wording names it.</summary>
[GenerateSerializer, Immutable, Alias("Mentiora.OriginError")]
public sealed record OriginError(
    [property: Id(0)] OriginProblem Problem,
    [property: Id(1)] string? Detail = null);
