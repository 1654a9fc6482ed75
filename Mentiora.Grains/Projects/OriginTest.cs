using Mentiora.Grains.Keys;

namespace Mentiora.Grains.Projects;

/// <summary>The answer to "would this origin be accepted?": the origin as a browser would send it, the rule that matched, or why not.</summary>
[GenerateSerializer, Immutable, Alias("Mentiora.OriginTest")]
public sealed record OriginTest(
    [property: Id(0)] OriginTestOutcome Outcome,
    [property: Id(1)] string? Origin,
    [property: Id(2)] string? MatchedRule,
    [property: Id(3)] OriginError? Error);
