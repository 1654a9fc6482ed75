using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Mentiora.Harness.Ports;

/// <summary>
/// The one place that picks TCP ports for the processes the harness starts, and retries a start
/// that lost its port to another program between the probe and the bind.
/// </summary>
/// <remarks>
/// Usage: <c>var server = await FreePort.RetryWhenTakenAsync(() => StartOnAsync(FreePort.Next()));</c>
/// </remarks>
public static class FreePort
{
    /// <summary>How many fresh ports a start gets before its failure is final.</summary>
    public const int Attempts = 4;

    // A port handed out once is never handed out again by this process, even after its listener is gone:
    // two processes started at the same moment must not both get it.
    private static readonly ConcurrentDictionary<int, byte> HandedOut = new();

    /// <summary>A port that was free a moment ago on the loopback address and that this process has not handed out before.</summary>
    public static int Next()
    {
        while (true)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            if (HandedOut.TryAdd(port, 0)) return port;
        }
    }

    /// <summary>True when something already listens on the port on 127.0.0.1.</summary>
    public static bool IsInUse(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>
    /// Runs <paramref name="start"/> (which picks its ports with <see cref="Next"/>) until it succeeds, or fails for another
    /// reason than a port somebody else took first, or <see cref="Attempts"/> starts lost their port.
    /// </summary>
    public static async Task<T> RetryWhenTakenAsync<T>(Func<Task<T>> start)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await start();
            }
            catch (Exception e) when (attempt < Attempts && WasTaken(e))
            {
                // Lost the race for a port; the next attempt probes new ones.
            }
        }
    }

    /// <summary>True when a start failed because its port was in use: the words of Kestrel, Orleans, PostgreSQL and nginx.</summary>
    public static bool WasTaken(Exception failure)
    {
        for (var e = failure; e is not null; e = e.InnerException)
        {
            if (e is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse }) return true;
            if (e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase)
                || e.Message.Contains("could not bind", StringComparison.OrdinalIgnoreCase)
                || e.Message.Contains("Address in use", StringComparison.OrdinalIgnoreCase))
                return true;
        }

        return false;
    }
}
