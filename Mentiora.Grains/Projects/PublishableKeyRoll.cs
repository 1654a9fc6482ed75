namespace Mentiora.Grains.Projects;

/// <summary>The answer to rolling a publishable key: the new key (not secret) and when the old one stops working.</summary>
[GenerateSerializer, Immutable, Alias("Mentiora.PublishableKeyRoll")]
public sealed record PublishableKeyRoll(
    [property: Id(0)] SecretRollOutcome Outcome,
    [property: Id(1)] string? PublishableKey,
    [property: Id(2)] DateTimeOffset? PreviousStopsWorkingAt);
