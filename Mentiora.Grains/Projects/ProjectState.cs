namespace Mentiora.Grains.Projects;

/// <summary>What a project keeps in storage.</summary>
[GenerateSerializer, Alias("Mentiora.ProjectState")]
public sealed class ProjectState
{
    /// <summary>The project's API keys, at most <see cref="ProjectGrain.MaxApiKeys"/>.</summary>
    [Id(0)] public List<StoredApiKey> ApiKeys { get; set; } = [];
}
