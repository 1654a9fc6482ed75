using Mentiora.Tests.Infrastructure;

namespace Mentiora.Tests.Cluster;

/// <summary>
/// Two silo processes, A and B, forming one Orleans cluster on a fresh PostgreSQL database, as two
/// servers behind a load balancer would. The cluster id is unique, so clusters of other tests
/// running at the same time never join this one. Disposing it scans both silos' output and the
/// database for every secret issued in the run.
/// </summary>
public sealed class TwoSiloCluster : IAsyncDisposable
{
    private TwoSiloCluster(string connectionString, string clusterId, SiloProcess a, SiloProcess b)
    {
        ConnectionString = connectionString;
        ClusterId = clusterId;
        A = a;
        B = b;
    }

    /// <summary>The database both silos use.</summary>
    public string ConnectionString { get; }

    /// <summary>The Orleans cluster (and service) id both silos use.</summary>
    public string ClusterId { get; }

    /// <summary>The silo started first.</summary>
    public SiloProcess A { get; }

    /// <summary>The silo that joined A's cluster.</summary>
    public SiloProcess B { get; }

    /// <summary>
    /// Starts A, waits until it is ready, then starts B and waits for it too. What
    /// <paramref name="whileAIsAlone"/> does in between can only activate grains on A.
    /// </summary>
    public static async Task<TwoSiloCluster> StartAsync(Func<SiloProcess, Task>? whileAIsAlone = null) =>
        await StartOnAsync(await (await SharedPostgres.GetAsync()).CreateDatabaseAsync("cluster"), whileAIsAlone);

    /// <summary>The same on a database the caller provides, e.g. on a server the test will stop.</summary>
    public static async Task<TwoSiloCluster> StartOnAsync(string connectionString, Func<SiloProcess, Task>? whileAIsAlone = null)
    {
        var clusterId = $"cluster-{Guid.NewGuid():N}";

        // One after the other, as when a deployment scales out: B joins a cluster that is already serving.
        var a = await SiloProcess.StartAsync("A", connectionString, clusterId);
        try
        {
            if (whileAIsAlone is not null)
            {
                await whileAIsAlone(a);
            }

            var b = await SiloProcess.StartAsync("B", connectionString, clusterId);
            return new TwoSiloCluster(connectionString, clusterId, a, b);
        }
        catch
        {
            await a.DisposeAsync();
            throw;
        }
    }

    /// <summary>Both silos' recent output, for assertion messages.</summary>
    public string OutputTails(int lines = 30) => $"{A.OutputTail(lines)}\n{B.OutputTail(lines)}";

    public async ValueTask DisposeAsync()
    {
        // A's process must end even when B's output scan fails.
        try
        {
            await B.DisposeAsync();
        }
        finally
        {
            await A.DisposeAsync();
        }

        // Keys created through the silos' dashboards live in this database only.
        var storage = await TestStorage.NewPostgresOnAsync(ConnectionString);
        SecretScanner.AssertNone(
            SecretScanner.FindInDatabase(await storage.DumpAllValuesAsync(), storage.Name, IssuedSecrets.Current()),
            $"cluster {ClusterId}");
    }
}
