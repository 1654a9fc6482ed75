using Mentiora.Tests.Infrastructure;
using Xunit;

namespace Mentiora.Tests.Cluster;

using HarnessCluster = Mentiora.Harness.Clusters.Cluster;

/// <summary>One two-silo cluster shared by all the roll tests: starting silo processes is what makes a cluster test slow.</summary>
public sealed class KeyRollClusterFixture : IAsyncLifetime
{
    public HarnessCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync() => Cluster = await TestClusters.StartTwoSilosAsync();

    public async Task DisposeAsync()
    {
        if (Cluster is not null)
        {
            await Cluster.DisposeAsync();
        }
    }
}
