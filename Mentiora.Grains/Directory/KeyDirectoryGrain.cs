namespace Mentiora.Grains.Directory;

/// <summary>
/// The shared behaviour of directory entries. Each entry is one grain, so claims on the same
/// identifier are serialised cluster-wide and two keys can never hold it at once.
/// </summary>
public abstract class KeyDirectoryGrain(IPersistentState<KeyDirectoryState> entry) : Grain, IKeyDirectoryEntry
{
    public async Task<bool> Claim(KeyOwner owner)
    {
        if (entry.State.Owner is { } current)
        {
            return current == owner;
        }

        entry.State.Owner = owner;
        await entry.WriteStateAsync();
        return true;
    }

    public Task<KeyOwner?> GetOwner() => Task.FromResult(entry.State.Owner);

    public async Task Release(KeyOwner owner)
    {
        if (entry.State.Owner != owner)
        {
            return;
        }

        await entry.ClearStateAsync();
        DeactivateOnIdle();
    }
}
