namespace Mentiora.Grains.Directory;

/// <summary>Directory entry keyed by a secret key's 8-character prefix: finds the project that owns the key.</summary>
[Alias("Mentiora.IApiKeyPrefixGrain")]
public interface IApiKeyPrefixGrain : IKeyDirectoryEntry;
