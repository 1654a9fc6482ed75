using System.Security.Cryptography.X509Certificates;
using Mentiora.Harness.Certificates;

namespace Mentiora.Harness.Clusters;

/// <summary>
/// The certificates of one harness cluster, made at its start into its folder: one that silos present and accept on
/// every silo and gateway connection (mutual TLS), and one that encrypts the Data Protection key ring at rest.
/// </summary>
public sealed class ClusterCertificates
{
    private ClusterCertificates(string transportPath, string keyRingPath)
    {
        TransportPath = transportPath;
        KeyRingPath = keyRingPath;
    }

    /// <summary>The PKCS#12 file (no password) of the cluster transport's certificate.</summary>
    public string TransportPath { get; }

    /// <summary>The PKCS#12 file (no password) of the key ring's certificate.</summary>
    public string KeyRingPath { get; }

    /// <summary>Makes both certificates into <paramref name="directory"/> (created, readable by this user only).</summary>
    public static ClusterCertificates Create(string directory)
    {
        Directory.CreateDirectory(directory);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var transport = Path.Combine(directory, "cluster.pfx");
        var keyRing = Path.Combine(directory, "keyring.pfx");
        using (var certificate = SelfSignedCertificate.Create("CN=mentiora-cluster")) SelfSignedCertificate.WritePfx(certificate, transport);
        using (var certificate = SelfSignedCertificate.Create("CN=mentiora-key-ring")) SelfSignedCertificate.WritePfx(certificate, keyRing);
        return new ClusterCertificates(transport, keyRing);
    }

    /// <summary>The transport certificate with its private key, as a client of the cluster presents it.</summary>
    public X509Certificate2 LoadTransport() => X509CertificateLoader.LoadPkcs12FromFile(TransportPath, password: null);

    /// <summary>The settings (as environment variables) that give a silo both certificates.</summary>
    public Dictionary<string, string> SiloSettings() => new()
    {
        ["Orleans__Tls__CertificatePath"] = TransportPath,
        ["DataProtection__CertificatePath"] = KeyRingPath,
    };
}
