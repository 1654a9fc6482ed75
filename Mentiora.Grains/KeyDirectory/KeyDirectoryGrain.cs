using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace Mentiora.Grains.KeyDirectory;

/// <summary>
/// A directory entry. Each entry is one grain, so claims on the same identifier are serialised
/// cluster-wide and two keys can never hold it at once.
/// </summary>
public sealed class KeyDirectoryGrain(
    [PersistentState("entry", StorageNames.Grains)] IPersistentState<KeyDirectoryState> entry,
    TimeProvider clock) : Grain, IKeyDirectoryGrain
{
    // A retired entry frees itself when its time is over, decided from the clock at each call (like
    // a key's expiry), so no timer has to run and every silo sees the same moment.
    private KeyOwner? CurrentOwner =>
        entry.State.RetiredUntil is { } until && clock.GetUtcNow() >= until ? null : entry.State.Owner;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (entry.State.Owner is not null || entry.State.LegacyEntryTakenOver)
        {
            return;
        }

        // Keys created before this grain existed are listed under the old grain types: take such an
        // entry over once, so those keys keep working. The old entry is left as it was; the flag,
        // saved with the next write, keeps it from being read again.
        var legacy = LegacyKeyDirectoryEntry.For(this.GetPrimaryKeyString());
        if (legacy is null)
        {
            return;
        }

        var storage = ServiceProvider.GetRequiredKeyedService<IGrainStorage>(StorageNames.Grains);
        var old = new GrainState<KeyDirectoryState>(new KeyDirectoryState());
        await storage.ReadStateAsync(legacy.StateName, legacy.GrainId, old);

        entry.State.LegacyEntryTakenOver = true;
        if (old.State?.Owner is { } owner)
        {
            entry.State.Owner = owner;
            await entry.WriteStateAsync(cancellationToken);
        }
    }

    public async Task<bool> Claim(KeyOwner owner)
    {
        if (CurrentOwner is { } current)
        {
            return current == owner;
        }

        var (previousOwner, previousUntil) = (entry.State.Owner, entry.State.RetiredUntil);
        entry.State.Owner = owner;
        entry.State.RetiredUntil = null;
        await SaveOrUndo(() => (entry.State.Owner, entry.State.RetiredUntil) = (previousOwner, previousUntil));
        return true;
    }

    public Task<KeyOwner?> GetOwner()
    {
        var owner = CurrentOwner;
        if (owner is null)
        {
            // Almost every lookup of a free entry is a mistyped or guessed key: a flood of them must
            // not pile up activations until the collection age, so this one goes as soon as it is idle.
            DeactivateOnIdle();
        }

        return Task.FromResult(owner);
    }

    public async Task Release(KeyOwner owner)
    {
        if (entry.State.Owner != owner)
        {
            return;
        }

        // Written as free rather than cleared: a cleared entry would look new and take the legacy one over again.
        var previousUntil = entry.State.RetiredUntil;
        entry.State.Owner = null;
        entry.State.RetiredUntil = null;
        await SaveOrUndo(() => (entry.State.Owner, entry.State.RetiredUntil) = (owner, previousUntil));
        DeactivateOnIdle();
    }

    public async Task Retire(KeyOwner owner, DateTimeOffset until)
    {
        if (CurrentOwner != owner || entry.State.RetiredUntil == until)
        {
            return;
        }

        var previousUntil = entry.State.RetiredUntil;
        entry.State.RetiredUntil = until;
        await SaveOrUndo(() => entry.State.RetiredUntil = previousUntil);
    }

    // Memory keeps only what storage has: a claim whose write failed holds nothing, and a release whose
    // write failed still holds the entry. Deactivating makes the next call read what storage really has.
    private async Task SaveOrUndo(Action undo)
    {
        try
        {
            await entry.WriteStateAsync();
        }
        catch
        {
            undo();
            DeactivateOnIdle();
            throw;
        }
    }
}
