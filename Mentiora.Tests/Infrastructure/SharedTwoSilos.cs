namespace Mentiora.Tests.Infrastructure;

// Inside the namespace, so that it wins over the namespace Mentiora.Tests.Cluster.
using Cluster = Mentiora.Harness.Clusters.Cluster;

/// <summary>
/// One two-silo cluster (see <see cref="TestClusters.StartTwoSilosAsync"/>) for tests that neither kill, stop nor restart a
/// silo, shared by a class (IClassFixture) or by the classes of <see cref="SharedTwoSilosCollection"/>: each test works in
/// a project of its own, so none sees another's keys, and starting two silo processes once instead of once a test saves
/// most of their time. It starts on first use and stops (running the secret ledger's scan of its database) after the last
/// test that shares it.
/// </summary>
public sealed class SharedTwoSilos : IAsyncLifetime
{
    private readonly Lazy<Task<Cluster>> _cluster = new(() => TestClusters.StartTwoSilosAsync());

    /// <summary>The running cluster, started by the first test that asks.</summary>
    public Task<Cluster> GetAsync() => _cluster.Value;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_cluster.IsValueCreated)
        {
            await (await _cluster.Value).DisposeAsync();
        }
    }
}
