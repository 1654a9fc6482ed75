using System.Security.Cryptography.X509Certificates;
using Mentiora.Web.Configuration;
using Mentiora.Web.Storage;
using Orleans.Connections.Security;

namespace Mentiora.Web.Security;

/// <summary>
/// How silos talk to each other and to Orleans clients: mutual TLS with the cluster's certificate when one is configured,
/// else in clear (said once at start in PostgreSQL mode, where silo ports face the network).
/// </summary>
public sealed class ClusterTransport
{
    /// <summary>The warning logged once at start by a PostgreSQL-mode silo without a cluster certificate.</summary>
    public const string UnencryptedWarning =
        "The cluster transport is not encrypted: silo and gateway connections are neither authenticated nor encrypted, so anyone who reaches their ports can call grains. Set "
        + SettingKeys.ClusterCertificatePath + " (see docs/settings.md).";

    private ClusterTransport(X509Certificate2? certificate) => Certificate = certificate;

    /// <summary>The certificate every silo presents and accepts, or null when the transport is in clear.</summary>
    public X509Certificate2? Certificate { get; }

    /// <summary>True when silo and gateway connections use mutual TLS.</summary>
    public bool IsEncrypted => Certificate is not null;

    /// <summary>Reads the certificate settings; a named file that cannot be used stops the app.</summary>
    public static ClusterTransport FromConfiguration(IConfiguration configuration)
    {
        var path = configuration[SettingKeys.ClusterCertificatePath];
        if (string.IsNullOrWhiteSpace(path))
        {
            return new ClusterTransport(null);
        }

        var keyPath = configuration[SettingKeys.ClusterCertificateKeyPath];
        return new ClusterTransport(CertificateFile.Load(
            SettingKeys.ClusterCertificatePath, path, configuration[SettingKeys.ClusterCertificatePassword], string.IsNullOrWhiteSpace(keyPath) ? null : keyPath));
    }

    /// <summary>Whether this silo must say at start that its transport is in clear: in PostgreSQL mode only, since embedded mode listens on loopback alone.</summary>
    public bool WarrantsWarning(StorageSettings storage) => !IsEncrypted && storage.Mode == StorageMode.Postgres;

    /// <summary>Turns on mutual TLS for silo-to-silo and gateway connections, in both directions, when a certificate is configured.</summary>
    public void ApplyTo(ISiloBuilder silo)
    {
        if (Certificate is not { } cluster)
        {
            return;
        }

        silo.UseTls(cluster, options =>
        {
            // A peer must present a certificate, both when it dials us and when we dial it.
            options.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
            options.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
            // Trust is exactly the cluster's own certificate (pinned), not a chain to some CA: any certificate a CA
            // issued for another purpose would otherwise open the cluster, and a deployment needs no CA of its own.
            // Silos are dialled by IP address, so the host name is not what identifies a peer; the certificate is.
            options.RemoteCertificateValidation = (presented, _, _) => IsClusterCertificate(presented, cluster);
        });
    }

    /// <summary>True when <paramref name="presented"/> is the cluster's certificate, byte for byte.</summary>
    public static bool IsClusterCertificate(X509Certificate2 presented, X509Certificate2 cluster) =>
        presented.RawDataMemory.Span.SequenceEqual(cluster.RawDataMemory.Span);
}
