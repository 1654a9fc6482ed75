using Mentiora.Grains.Secrets;

namespace Mentiora.Grains.Projects;

/// <summary>
/// The outcome of a roll: the rolled key as the list shows it and its new plaintext this once (the
/// signing secret is unchanged, so it is not handed out again), and whether an older predecessor
/// still in its grace period was ended by this roll.
/// </summary>
[GenerateSerializer, Immutable, Alias("Mentiora.RollApiKeyResult")]
public sealed record RollApiKeyResult(
    [property: Id(0)] RollApiKeyOutcome Outcome,
    [property: Id(1)] ApiKeySummary? Summary,
    [property: Id(2)] SecretText? NewKey,
    [property: Id(3)] bool EndedEarlierPredecessor);
