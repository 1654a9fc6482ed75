using Mentiora.Grains.Secrets;

namespace Mentiora.Grains.Projects;

/// <summary>The answer to rolling a signing secret: the new secret, this once, and when the old one stops working.</summary>
[GenerateSerializer, Immutable, Alias("Mentiora.SigningSecretRoll")]
public sealed record SigningSecretRoll(
    [property: Id(0)] SecretRollOutcome Outcome,
    [property: Id(1)] SecretText? SigningSecret,
    [property: Id(2)] DateTimeOffset? PreviousStopsWorkingAt);
