namespace Mentiora.Grains.Projects;

/// <summary>A project, keyed by its id: owns the project's API keys and enforces their limit.</summary>
[Alias("Mentiora.IProjectGrain")]
public interface IProjectGrain : IGrainWithGuidKey
{
    /// <summary>Creates a key with an optional name; returns its plaintext and signing secret this once.</summary>
    [Alias("CreateApiKey")]
    Task<CreateApiKeyResult> CreateApiKey(string? name);

    /// <summary>Lists the project's keys, oldest first.</summary>
    [Alias("ListApiKeys")]
    Task<IReadOnlyList<ApiKeySummary>> ListApiKeys();

    /// <summary>Gives a key a new name (trimmed; empty means unnamed).</summary>
    [Alias("RenameApiKey")]
    Task<RenameApiKeyOutcome> RenameApiKey(Guid keyId, string? name);

    /// <summary>Revokes a key for good; returns false when the project has no such key.</summary>
    [Alias("RevokeApiKey")]
    Task<bool> RevokeApiKey(Guid keyId);

    /// <summary>Checks a key's SHA-256 against the key with that prefix and notes the use; null when it does not match.</summary>
    [Alias("Authenticate")]
    Task<AuthenticatedApiKey?> Authenticate(string prefix, byte[] keyHash);
}
