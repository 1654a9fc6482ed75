namespace Mentiora.Grains.Projects;

/// <summary>An origin refused (or, in report-only mode, let through) in the last days: how often and when last.</summary>
[GenerateSerializer, Immutable, Alias("Mentiora.BlockedOriginSummary")]
public sealed record BlockedOriginSummary(
    [property: Id(0)] string Origin,
    [property: Id(1)] int Count,
    [property: Id(2)] DateTimeOffset LastSeen,
    [property: Id(3)] bool LastLetThrough);
