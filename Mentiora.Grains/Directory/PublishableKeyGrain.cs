namespace Mentiora.Grains.Directory;

/// <inheritdoc cref="IPublishableKeyGrain"/>
public sealed class PublishableKeyGrain(
    [PersistentState("publishable", StorageNames.Grains)] IPersistentState<KeyDirectoryState> entry)
    : KeyDirectoryGrain(entry), IPublishableKeyGrain;
