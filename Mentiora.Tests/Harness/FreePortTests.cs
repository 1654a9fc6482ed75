using System.Net;
using System.Net.Sockets;
using Mentiora.Harness.Ports;

namespace Mentiora.Tests.Harness;

/// <summary>A process that loses its port to another program between the probe and the bind starts again on a new one, and only then.</summary>
public sealed class FreePortTests
{
    [Fact]
    public async Task AStartWhosePortWasTakenMeanwhileIsRetriedOnAFreshPort()
    {
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var taken = ((IPEndPoint)squatter.LocalEndpoint).Port;
        var tried = new List<int>();

        using var listener = await FreePort.RetryWhenTakenAsync(() =>
        {
            var port = tried.Count == 0 ? taken : FreePort.Next();
            tried.Add(port);
            var attempt = new TcpListener(IPAddress.Loopback, port);
            attempt.Start();
            return Task.FromResult(new Started(attempt));
        });

        Assert.Equal(2, tried.Count);
        Assert.NotEqual(taken, tried[1]);
    }

    [Fact]
    public async Task AStartThatFailsForAnotherReasonIsNotRetried()
    {
        var attempts = 0;

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => FreePort.RetryWhenTakenAsync<int>(() =>
        {
            attempts++;
            throw new InvalidOperationException("initdb failed");
        }));

        Assert.Equal(1, attempts);
        Assert.Equal("initdb failed", failure.Message);
    }

    [Fact]
    public void PortsHandedOutAreNeverHandedOutTwice()
    {
        var ports = Enumerable.Range(0, 200).Select(_ => FreePort.Next()).ToList();

        Assert.Equal(ports.Count, ports.Distinct().Count());
    }

    private sealed class Started(TcpListener listener) : IDisposable
    {
        public void Dispose() => listener.Stop();
    }
}
