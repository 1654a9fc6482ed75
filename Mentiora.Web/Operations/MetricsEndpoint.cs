using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Mentiora.Web.Configuration;
using Mentiora.Web.Storage;

namespace Mentiora.Web.Operations;

/// <summary>
/// Where Prometheus scrapes a silo: <c>/metrics</c> on a port of its own, never on the web port. A load balancer proxies
/// the web port only, so no spelling of the path (<c>/METRICS</c>, <c>/metrics/</c>, <c>//metrics</c>…) can reach the
/// numbers through it; a rule in the balancer would have to foresee every one.
/// </summary>
public sealed record MetricsEndpoint(int Port, string Host)
{
    /// <summary>The port Prometheus exporters use by convention.</summary>
    public const int DefaultPort = 9464;

    /// <summary>False when <see cref="SettingKeys.MetricsPort"/> is 0: no metrics are served.</summary>
    public bool IsEnabled => Port != 0;

    /// <summary>
    /// Reads the port; the endpoint listens where the silo's own ports do: on every address for a silo advertised on the
    /// network (Prometheus scrapes it there), on loopback for a local cluster or the embedded mode.
    /// </summary>
    public static MetricsEndpoint FromConfiguration(IConfiguration configuration, StorageSettings storage)
    {
        var configured = configuration[SettingKeys.MetricsPort];
        var port = DefaultPort;
        if (!string.IsNullOrWhiteSpace(configured)
            && (!int.TryParse(configured, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port > IPEndPoint.MaxPort))
        {
            throw new InvalidSettingException($"{SettingKeys.MetricsPort} is '{configured}'; give a port number (0 turns metrics off).");
        }

        var advertised = configuration[SettingKeys.AdvertisedIP];
        var onNetwork = storage.Mode == StorageMode.Postgres
            && IPAddress.TryParse(advertised ?? "127.0.0.1", out var address) && !IPAddress.IsLoopback(address);
        return new MetricsEndpoint(port, onNetwork ? "+" : "127.0.0.1");
    }

    /// <summary>
    /// Stops the app with one line when the port is taken (another app, a second instance): the exporter itself would
    /// only fail later, with a stack trace, once the host starts.
    /// </summary>
    public void EnsurePortIsFree()
    {
        if (!IsEnabled) return;
        using var probe = new TcpListener(Host == "+" ? IPAddress.Any : IPAddress.Loopback, Port);
        try
        {
            probe.Start();
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            throw new InvalidSettingException($"{SettingKeys.MetricsPort} {Port}: address already in use; give a free port, or 0 to turn metrics off.");
        }
        finally
        {
            probe.Stop();
        }
    }
}
