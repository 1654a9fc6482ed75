using System.Security.Cryptography.X509Certificates;
using Mentiora.Web.Configuration;
using Microsoft.AspNetCore.DataProtection;

namespace Mentiora.Web.Storage;

/// <summary>
/// Whether the Data Protection key ring is encrypted where it is stored. In clear, whoever reads a database backup can
/// forge session cookies and decrypt every signing secret; with a certificate, the backup alone is not enough.
/// </summary>
public sealed class KeyRingProtection
{
    /// <summary>The warning logged once at start by a PostgreSQL-mode silo whose key ring is stored in clear.</summary>
    public const string UnencryptedWarning =
        "The Data Protection key ring is stored unencrypted in the database: whoever reads a backup can forge session cookies and decrypt signing secrets. Set "
        + SettingKeys.KeyRingCertificatePath + " (see docs/settings.md).";

    private KeyRingProtection(X509Certificate2? certificate) => Certificate = certificate;

    /// <summary>The certificate new keys are encrypted with (and old ones decrypted with), or null when they are stored in clear.</summary>
    public X509Certificate2? Certificate { get; }

    /// <summary>Reads the certificate settings; a named file that cannot be used stops the app.</summary>
    public static KeyRingProtection FromConfiguration(IConfiguration configuration)
    {
        var path = configuration[SettingKeys.KeyRingCertificatePath];
        if (string.IsNullOrWhiteSpace(path))
        {
            return new KeyRingProtection(null);
        }

        var keyPath = configuration[SettingKeys.KeyRingCertificateKeyPath];
        return new KeyRingProtection(CertificateFile.Load(
            SettingKeys.KeyRingCertificatePath, path, configuration[SettingKeys.KeyRingCertificatePassword], string.IsNullOrWhiteSpace(keyPath) ? null : keyPath));
    }

    /// <summary>Whether this silo must say at start that the ring is in clear: in PostgreSQL mode only (a SQLite file is the app's own, on its own disk).</summary>
    public bool WarrantsWarning(StorageSettings storage) => Certificate is null && storage.Mode == StorageMode.Postgres;

    /// <summary>
    /// Encrypts keys written from now on with the certificate, and decrypts with it without a certificate store, so every
    /// silo given the same file reads the ring. Keys written before were stored in clear and stay readable as they are.
    /// </summary>
    public void ApplyTo(IDataProtectionBuilder dataProtection)
    {
        if (Certificate is { } certificate)
        {
            dataProtection.ProtectKeysWithCertificate(certificate).UnprotectKeysWithAnyCertificate(certificate);
        }
    }
}
