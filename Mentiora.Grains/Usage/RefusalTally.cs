namespace Mentiora.Grains.Usage;

/// <summary>How often a key was refused for one reason in the last 24 hours, and from which origins when the origin was the reason.</summary>
[GenerateSerializer, Alias("Mentiora.RefusalTally")]
public sealed record RefusalTally(
    [property: Id(0)] KeyRefusalReason Reason,
    [property: Id(1)] long Count,
    [property: Id(2)] IReadOnlyList<string> Origins);
