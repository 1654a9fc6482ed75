using System.Collections.Concurrent;
using Orleans.Storage;

namespace Mentiora.Tests.Infrastructure;

/// <summary>
/// Grain storage in front of another that fails the next write of a chosen grain, as a database that
/// is briefly away would: the state is not stored and the grain sees an exception.
/// </summary>
public sealed class FailingWritesStorage(IGrainStorage inner) : IGrainStorage
{
    private readonly ConcurrentDictionary<GrainId, int> _failing = new();

    /// <summary>Makes the next <paramref name="writes"/> writes of <paramref name="grain"/> fail.</summary>
    public void FailNextWrites(GrainId grain, int writes = 1) => _failing[grain] = writes;

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => inner.ReadStateAsync(stateName, grainId, grainState);

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (_failing.TryGetValue(grainId, out var left) && left > 0 && _failing.TryUpdate(grainId, left - 1, left))
        {
            throw new TimeoutException($"Test storage: the write of {stateName} of {grainId} failed, as when the database is briefly away.");
        }

        return inner.WriteStateAsync(stateName, grainId, grainState);
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => inner.ClearStateAsync(stateName, grainId, grainState);
}
