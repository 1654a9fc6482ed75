using System.Net;
using System.Net.Sockets;
using Mentiora.Web.Configuration;
using Mentiora.Web.Operations;
using Mentiora.Web.Storage;
using Microsoft.Extensions.Configuration;

namespace Mentiora.Tests.Web;

/// <summary>The metrics port is checked at start: an unusable value or a taken port stops the app with one line.</summary>
public sealed class MetricsEndpointTests
{
    private static readonly StorageSettings Embedded = StorageSettings.FromConfiguration(new ConfigurationBuilder().Build(), Path.GetTempPath());

    [Fact]
    public void ATakenMetricsPortStopsStartWithOneLineThatSaysHowToFreeIt()
    {
        using var other = new TcpListener(IPAddress.Loopback, 0);
        other.Start();
        var port = ((IPEndPoint)other.LocalEndpoint).Port;

        var failure = Assert.Throws<InvalidSettingException>(() => Endpoint(port.ToString(System.Globalization.CultureInfo.InvariantCulture)).EnsurePortIsFree());

        Assert.Equal($"Metrics:Port {port}: address already in use; give a free port, or 0 to turn metrics off.", failure.Message);
    }

    [Fact]
    public void PortZeroTurnsMetricsOff()
    {
        Assert.False(Endpoint("0").IsEnabled);
    }

    [Theory]
    [InlineData("metrics")]
    [InlineData("-1")]
    [InlineData("70000")]
    public void AMetricsPortThatIsNoPortStopsStart(string value)
    {
        var failure = Assert.Throws<InvalidSettingException>(() => Endpoint(value));

        Assert.Contains($"Metrics:Port is '{value}'", failure.Message);
    }

    private static MetricsEndpoint Endpoint(string port) =>
        MetricsEndpoint.FromConfiguration(new ConfigurationBuilder().AddInMemoryCollection([new(SettingKeys.MetricsPort, port)]).Build(), Embedded);
}
