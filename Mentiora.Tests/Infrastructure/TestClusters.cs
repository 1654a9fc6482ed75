using Mentiora.Harness.Clusters;
using Mentiora.Harness.Silos;

namespace Mentiora.Tests.Infrastructure;

// Inside the namespace, so that it wins over the namespace Mentiora.Tests.Cluster.
using Cluster = Mentiora.Harness.Clusters.Cluster;

/// <summary>
/// Harness clusters for tests: silos named A, B, … that carry the secret ledger, and a database scanned for issued
/// secrets once every silo has stopped. Each cluster has its own id, database and ports, so clusters of tests running
/// at the same time never meet.
/// </summary>
public static class TestClusters
{
    /// <summary>
    /// Two silos on a fresh database of the run's PostgreSQL: A, ready, then B joining it. What <paramref name="whileAIsAlone"/>
    /// does in between can only activate grains on A.
    /// </summary>
    public static async Task<Cluster> StartTwoSilosAsync(Func<SiloProcess, Task>? whileAIsAlone = null) =>
        await StartAsync(new ClusterOptions
        {
            ConnectionString = await (await SharedPostgres.GetAsync()).CreateDatabaseAsync("cluster"),
            WhileFirstIsAlone = whileAIsAlone,
        });

    /// <summary>A cluster as <paramref name="options"/> say, with the ledger's hooks added.</summary>
    public static Task<Cluster> StartAsync(ClusterOptions options) =>
        Cluster.StartAsync(options with
        {
            SiloName = i => ((char)('A' + i)).ToString(),
            ConfigureSilo = SecretWatchedSilos.Watch,
            AfterStop = ScanDatabaseAsync,
        });

    // Keys created through the silos' dashboards live in this database only.
    private static async Task ScanDatabaseAsync(Cluster cluster)
    {
        var storage = await TestStorage.NewPostgresOnAsync(cluster.ConnectionString);
        SecretScanner.AssertNone(
            SecretScanner.FindInDatabase(await storage.DumpAllValuesAsync(), storage.Name, IssuedSecrets.Current()),
            $"cluster {cluster.ClusterId}");
    }
}
