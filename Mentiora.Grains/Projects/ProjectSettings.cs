namespace Mentiora.Grains.Projects;

/// <summary>Everything the Settings page shows about a project, for one of its members.</summary>
[GenerateSerializer, Immutable, Alias("Mentiora.ProjectSettings")]
public sealed record ProjectSettings(
    [property: Id(0)] Guid ProjectId,
    [property: Id(1)] string Name,
    [property: Id(2)] string Owner,
    [property: Id(3)] IReadOnlyList<string> Members,
    [property: Id(4)] IReadOnlyList<ApiKeySummary> ApiKeys,
    [property: Id(50)] int TraceRetentionDays = TraceRetention.DefaultDays)
{
    /// <summary>True when the given account owns the project.</summary>
    public bool IsOwner(string accountKey) => Owner == accountKey;

    /// <summary>True when no more keys may be created.</summary>
    public bool AtKeyLimit => ApiKeys.Count >= ProjectGrain.MaxApiKeys;
}
