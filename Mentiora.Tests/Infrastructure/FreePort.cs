using System.Net;
using System.Net.Sockets;

namespace Mentiora.Tests.Infrastructure;

/// <summary>Finds TCP ports nobody listens on, so apps and silos started in parallel do not collide.</summary>
public static class FreePort
{
    /// <summary>A port that was free a moment ago on the loopback address.</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
