namespace Mentiora.Grains.Projects;

/// <summary>The token of a one-time form (see <see cref="OneTimeForms"/>) that did its work, and when.</summary>
[GenerateSerializer, Immutable, Alias("Mentiora.UsedFormToken")]
public sealed record UsedFormToken(
    [property: Id(0)] string Token,
    [property: Id(1)] DateTimeOffset UsedAt);
