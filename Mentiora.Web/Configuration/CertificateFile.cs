using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Mentiora.Web.Configuration;

/// <summary>Loads a certificate with its private key from a file named by a setting: PKCS#12 (.pfx, .p12) or PEM (certificate and key).</summary>
public static class CertificateFile
{
    /// <summary>
    /// The certificate at <paramref name="path"/>: a .pfx/.p12 file opened with <paramref name="password"/>, or a PEM file whose
    /// private key is in <paramref name="keyPath"/> (or in the same file when null), encrypted with <paramref name="password"/> if given.
    /// A missing or unreadable file, or one without a private key, stops the app with one line naming <paramref name="setting"/>.
    /// </summary>
    public static X509Certificate2 Load(string setting, string path, string? password, string? keyPath = null)
    {
        if (!File.Exists(path))
        {
            throw new InvalidSettingException($"{setting} names {path}, which does not exist.");
        }

        if (keyPath is not null && !File.Exists(keyPath))
        {
            throw new InvalidSettingException($"The private key {keyPath} of {setting} does not exist.");
        }

        X509Certificate2 loaded;
        try
        {
            var extension = Path.GetExtension(path).ToLowerInvariant();
            if (extension is ".pfx" or ".p12")
            {
                loaded = X509CertificateLoader.LoadPkcs12FromFile(path, password, X509KeyStorageFlags.Exportable);
            }
            else
            {
                using var pem = string.IsNullOrEmpty(password)
                    ? X509Certificate2.CreateFromPemFile(path, keyPath)
                    : X509Certificate2.CreateFromEncryptedPemFile(path, password, keyPath);
                // Through PKCS#12: a key loaded from PEM is an ephemeral handle that TLS cannot use on every platform.
                loaded = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null, X509KeyStorageFlags.Exportable);
            }
        }
        catch (CryptographicException e)
        {
            throw new InvalidSettingException($"{setting}: {path} could not be read as a certificate with its private key ({e.Message}); check the file and its password.");
        }

        if (!loaded.HasPrivateKey)
        {
            loaded.Dispose();
            throw new InvalidSettingException($"{setting}: {path} holds no private key; give a .pfx with its key, or a PEM certificate with its key.");
        }

        return loaded;
    }
}
