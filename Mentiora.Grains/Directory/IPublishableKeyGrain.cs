namespace Mentiora.Grains.Directory;

/// <summary>Directory entry keyed by a publishable key (<c>pk_live_…</c>): finds the project and key it belongs to.</summary>
[Alias("Mentiora.IPublishableKeyGrain")]
public interface IPublishableKeyGrain : IKeyDirectoryEntry;
