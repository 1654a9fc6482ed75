namespace Mentiora.Grains.Projects;

/// <summary>The outcome of a create, with the new key when there is one.</summary>
[GenerateSerializer, Immutable, Alias("Mentiora.CreateApiKeyResult")]
public sealed record CreateApiKeyResult(
    [property: Id(0)] CreateApiKeyOutcome Outcome,
    [property: Id(1)] CreatedApiKey? Created);
