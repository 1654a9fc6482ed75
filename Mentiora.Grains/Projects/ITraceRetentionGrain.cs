namespace Mentiora.Grains.Projects;

/// <summary>
/// How long a project keeps its traces, for the background retention, which acts for no account.
/// Implemented by the project grain; a project that does not exist answers the default.
/// </summary>
[Alias("Mentiora.ITraceRetentionGrain")]
public interface ITraceRetentionGrain : IGrainWithGuidKey
{
    /// <summary>Days the project keeps its traces, counted from each trace's start.</summary>
    [Alias("GetTraceRetentionDays")]
    Task<int> GetTraceRetentionDays();
}
