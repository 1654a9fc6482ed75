using System.Net.Sockets;
using Mentiora.Tests.Infrastructure;

namespace Mentiora.Tests.Harness;

/// <summary>A cluster that stops takes every silo it started with it, also one still starting, so no test leaves a silo running.</summary>
public sealed class ClusterStopTests
{
    [Fact]
    public async Task ASiloStillStartingWhenTheClusterStopsIsStoppedWithIt()
    {
        var cluster = await TestClusters.StartTwoSilosAsync();
        var starting = cluster.StartSiloAsync("C");

        await cluster.DisposeAsync();

        Assert.True(starting.IsCompleted, "stopping the cluster should wait for the silo it was starting");
        var silo = await starting;
        // Its process is gone with the cluster, so its port no longer answers.
        using var probe = new TcpClient();
        var answered = await Record.ExceptionAsync(() => probe.ConnectAsync(silo.BaseAddress.Host, silo.BaseAddress.Port)) is null;
        Assert.False(answered, $"silo C should have been stopped with its cluster, yet {silo.BaseAddress} still takes connections");
    }
}
