using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Mentiora.Harness.Certificates;

/// <summary>Self-signed certificates with an RSA key, good for TLS both as server and as client and for encrypting data.</summary>
/// <remarks>Usage: <c>using var certificate = SelfSignedCertificate.Create("CN=mentiora-cluster"); SelfSignedCertificate.WritePfx(certificate, path);</c></remarks>
public static class SelfSignedCertificate
{
    private const string ServerAuthentication = "1.3.6.1.5.5.7.3.1";
    private const string ClientAuthentication = "1.3.6.1.5.5.7.3.2";

    /// <summary>A new certificate with its private key for <paramref name="subject"/>, valid from a few minutes ago for <paramref name="days"/> days.</summary>
    public static X509Certificate2 Create(string subject, int days = 30)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        // Both: a silo is the server of the connections it accepts and the client of the ones it opens.
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(ServerAuthentication), new Oid(ClientAuthentication)], critical: false));
        // Key encipherment too: the key ring's keys are encrypted to this key when it protects them.
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, critical: false));
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(days));
        // Through PKCS#12, so the private key is one TLS can use on every platform, not just an ephemeral handle.
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx), password: null, X509KeyStorageFlags.Exportable);
    }

    /// <summary>Writes the certificate and its private key as a PKCS#12 file without a password, readable by its owner only.</summary>
    public static void WritePfx(X509Certificate2 certificate, string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx));
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }
}
