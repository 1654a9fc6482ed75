using System.Net;
using System.Net.Sockets;
using Mentiora.Web.Configuration;
using Microsoft.AspNetCore.HttpOverrides;
using IPNetwork = System.Net.IPNetwork;

namespace Mentiora.Web.Security;

/// <summary>
/// The proxies (nginx) whose X-Forwarded-For and X-Forwarded-Proto the app believes. Anyone else
/// could claim any client address or scheme, so their headers are ignored: the per-address limits
/// then count the connection's own address, and cookies follow the connection's own scheme.
/// </summary>
public sealed class TrustedProxies
{
    /// <summary>Loopback only, as ASP.NET Core's own default: a proxy on the same machine.</summary>
    public const string DefaultNetworks = "127.0.0.0/8,::1";

    private TrustedProxies(IReadOnlyList<IPNetwork> networks) => Networks = networks;

    /// <summary>The networks a proxy must connect from for its forwarded headers to count.</summary>
    public IReadOnlyList<IPNetwork> Networks { get; }

    /// <summary>Reads <see cref="SettingKeys.TrustedProxyNetworks"/>; a value that is not a list of networks stops the app.</summary>
    public static TrustedProxies FromConfiguration(IConfiguration configuration)
    {
        var configured = configuration[SettingKeys.TrustedProxyNetworks];
        var value = string.IsNullOrWhiteSpace(configured) ? DefaultNetworks : configured;
        var networks = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Parse).ToList();
        return new TrustedProxies(networks);
    }

    /// <summary>Believes X-Forwarded-For and X-Forwarded-Proto from these networks only.</summary>
    public void ApplyTo(ForwardedHeadersOptions options)
    {
        options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
        // One nginx hop: only the address nginx itself saw counts. Entries further left were
        // written by the client and would let it pick the address its limits are counted under.
        options.ForwardLimit = 1;
        // The framework's loopback defaults would stay trusted next to the configured networks.
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        foreach (var network in Networks)
        {
            options.KnownIPNetworks.Add(network);
        }
    }

    private static IPNetwork Parse(string entry)
    {
        var slash = entry.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            // A single proxy may be written as its bare address.
            if (IPAddress.TryParse(entry, out var address))
            {
                return new IPNetwork(address, address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128);
            }
        }
        else if (IPNetwork.TryParse(entry, out var network) && IPAddress.TryParse(entry[..slash], out var written)
            && !HasBitsAfterPrefix(written, network.PrefixLength))
        {
            // 10.57.0.5/24 is refused rather than read as 10.57.0.0/24: it may as well have meant only 10.57.0.5.
            return network;
        }

        throw new InvalidSettingException(
            $"{SettingKeys.TrustedProxyNetworks} has '{entry}', which is neither an IP address nor a network in CIDR notation " +
            "with the bits after the prefix zero, such as 10.57.0.0/24; separate several with commas.");
    }

    private static bool HasBitsAfterPrefix(IPAddress address, int prefixLength)
    {
        var bytes = address.GetAddressBytes();
        for (var bit = prefixLength; bit < bytes.Length * 8; bit++)
        {
            if ((bytes[bit / 8] & (0x80 >> (bit % 8))) != 0)
            {
                return true;
            }
        }

        return false;
    }
}
