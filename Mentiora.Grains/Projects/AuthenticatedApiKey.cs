namespace Mentiora.Grains.Projects;

/// <summary>Who a valid key speaks for: its project and the key itself.</summary>
[GenerateSerializer, Immutable, Alias("Mentiora.AuthenticatedApiKey")]
public sealed record AuthenticatedApiKey(
    [property: Id(0)] Guid ProjectId,
    [property: Id(1)] Guid KeyId,
    [property: Id(2)] string Prefix);
