namespace Mentiora.Grains.Accounts;

/// <summary>A project a user belongs to, as the navigation menu lists it.</summary>
[GenerateSerializer, Immutable, Alias("Mentiora.ProjectMembership")]
public sealed record ProjectMembership(
    [property: Id(0)] Guid ProjectId,
    [property: Id(1)] string Name);
