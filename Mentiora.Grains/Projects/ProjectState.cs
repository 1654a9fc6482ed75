namespace Mentiora.Grains.Projects;

/// <summary>What a project keeps in storage.</summary>
[GenerateSerializer, Alias("Mentiora.ProjectState")]
public sealed class ProjectState
{
    /// <summary>The project's API keys, at most <see cref="ProjectGrain.MaxApiKeys"/>.</summary>
    [Id(0)] public List<StoredApiKey> ApiKeys { get; set; } = [];

    /// <summary>The project's name as shown in the navigation menu.</summary>
    [Id(1)] public string Name { get; set; } = string.Empty;

    /// <summary>Account key of the user who created the project; empty while the project does not exist.</summary>
    [Id(2)] public string Owner { get; set; } = string.Empty;

    /// <summary>Account keys of everyone who may use the project, the owner included.</summary>
    [Id(3)] public List<string> Members { get; set; } = [];

    /// <summary>Tokens of one-time forms (create key) that did their work lately, oldest first; see <see cref="OneTimeForms"/>.</summary>
    [Id(40)] public List<UsedFormToken> UsedFormTokens { get; set; } = [];

    /// <summary>Activity entries stored with their change but not yet in the activity log (an outbox), oldest first.</summary>
    [Id(45)] public List<Activity.ActivityEntry> PendingActivity { get; set; } = [];

    /// <summary>Revoked keys remembered by their hashes, oldest first; see <see cref="KeyTombstones"/>.</summary>
    [Id(60)] public List<KeyTombstone> Tombstones { get; set; } = [];

    /// <summary>Days the project keeps its traces; 0 (stored before the setting existed) means <see cref="TraceRetention.DefaultDays"/>.</summary>
    [Id(70)] public int TraceRetentionDays { get; set; }
}
