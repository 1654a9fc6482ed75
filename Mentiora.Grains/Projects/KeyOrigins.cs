namespace Mentiora.Grains.Projects;

/// <summary>What the Allowed origins dialog shows about one key: the key, its report-only and require-identity-token switches, the origins it did not accept and the rolled-out credentials still working.</summary>
[GenerateSerializer, Immutable, Alias("Mentiora.KeyOrigins")]
public sealed record KeyOrigins(
    [property: Id(0)] ApiKeySummary Key,
    [property: Id(1)] bool ReportOnly,
    [property: Id(2)] IReadOnlyList<BlockedOriginSummary> BlockedOrigins,
    [property: Id(3)] bool RequireIdentityToken = false,
    [property: Id(30)] DateTimeOffset? PreviousSigningSecretWorksUntil = null,
    [property: Id(31)] string? PreviousPublishableKey = null,
    [property: Id(32)] DateTimeOffset? PreviousPublishableKeyWorksUntil = null);
