namespace Mentiora.Grains.Directory;

/// <inheritdoc cref="IApiKeyPrefixGrain"/>
public sealed class ApiKeyPrefixGrain(
    [PersistentState("prefix", StorageNames.Grains)] IPersistentState<KeyDirectoryState> entry)
    : KeyDirectoryGrain(entry), IApiKeyPrefixGrain;
