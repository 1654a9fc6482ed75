namespace Mentiora.Grains.Usage;

/// <summary>One refused request of a key: when, why, and where it came from.</summary>
[GenerateSerializer, Alias("Mentiora.KeyRefusal")]
public sealed record KeyRefusal(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] KeyRefusalReason Reason,
    [property: Id(2)] RequestFacts Facts);
