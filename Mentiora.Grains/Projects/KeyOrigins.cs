namespace Mentiora.Grains.Projects;

/// <summary>What the Allowed origins dialog shows about one key: the key, its report-only and require-identity-token switches and the origins it did not accept.</summary>
[GenerateSerializer, Immutable, Alias("Mentiora.KeyOrigins")]
public sealed record KeyOrigins(
    [property: Id(0)] ApiKeySummary Key,
    [property: Id(1)] bool ReportOnly,
    [property: Id(2)] IReadOnlyList<BlockedOriginSummary> BlockedOrigins,
    [property: Id(3)] bool RequireIdentityToken = false);
