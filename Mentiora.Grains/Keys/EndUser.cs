namespace Mentiora.Grains.Keys;

/// <summary>A customer's signed-in end user, as asserted by a verified identity token.</summary>
[GenerateSerializer, Immutable, Alias("Mentiora.EndUser")]
public sealed record EndUser(
    [property: Id(0)] string Id,
    [property: Id(1)] string? Name,
    [property: Id(2)] string? Email);
