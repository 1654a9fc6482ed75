using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using Mentiora.Tests.Infrastructure;
using Mentiora.Web.Configuration;
using Mentiora.Web.Security;
using Mentiora.Web.Storage;
using Microsoft.Extensions.Configuration;

namespace Mentiora.Tests.Web;

/// <summary>The certificates an operator gives (deploy/make-certs.sh's PEM files, or a .pfx) are what the app loads; a file it cannot use stops it with one line.</summary>
public sealed class CertificateSettingsTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "mentiora-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task TheCertificatesMakeCertsWritesAreLoadedWithTheirKeysForMutualTlsAndTheKeyRing()
    {
        var make = Process.Start(new ProcessStartInfo("bash", [Path.Combine(RepositoryRoot.Path, "deploy", "make-certs.sh"), _folder]) { RedirectStandardError = true })!;
        await make.WaitForExitAsync();
        Assert.True(make.ExitCode == 0, await make.StandardError.ReadToEndAsync());

        // The paths as docker-compose.yml gives them, in this folder.
        var configuration = Settings(new()
        {
            [SettingKeys.ClusterCertificatePath] = Path.Combine(_folder, "cluster.crt"),
            [SettingKeys.ClusterCertificateKeyPath] = Path.Combine(_folder, "cluster.key"),
            [SettingKeys.KeyRingCertificatePath] = Path.Combine(_folder, "keyring.crt"),
            [SettingKeys.KeyRingCertificateKeyPath] = Path.Combine(_folder, "keyring.key"),
        });

        var transport = ClusterTransport.FromConfiguration(configuration);
        var keyRing = KeyRingProtection.FromConfiguration(configuration);

        Assert.True(transport.IsEncrypted);
        Assert.True(transport.Certificate!.HasPrivateKey);
        var usages = transport.Certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages.Cast<System.Security.Cryptography.Oid>().Select(o => o.Value).ToList();
        Assert.Contains("1.3.6.1.5.5.7.3.1", usages);
        Assert.Contains("1.3.6.1.5.5.7.3.2", usages);
        Assert.True(keyRing.Certificate!.HasPrivateKey);
        Assert.NotNull(keyRing.Certificate.GetRSAPrivateKey());
    }

    [Fact]
    public void AMissingCertificateFileStopsStartWithOneLineNamingTheSetting()
    {
        var missing = Path.Combine(_folder, "nowhere.pfx");

        var failure = Assert.Throws<InvalidSettingException>(() => ClusterTransport.FromConfiguration(Settings(new() { [SettingKeys.ClusterCertificatePath] = missing })));

        Assert.Contains(SettingKeys.ClusterCertificatePath, failure.Message);
        Assert.Contains(missing, failure.Message);
    }

    [Fact]
    public void ACertificateWithoutItsKeyStopsStartWithOneLine()
    {
        Directory.CreateDirectory(_folder);
        using var full = Mentiora.Harness.Certificates.SelfSignedCertificate.Create("CN=mentiora-key-ring");
        var path = Path.Combine(_folder, "public-only.crt");
        File.WriteAllText(path, full.ExportCertificatePem());

        var failure = Assert.Throws<InvalidSettingException>(() => KeyRingProtection.FromConfiguration(Settings(new() { [SettingKeys.KeyRingCertificatePath] = path })));

        Assert.Contains(SettingKeys.KeyRingCertificatePath, failure.Message);
        Assert.DoesNotContain('\n', failure.Message);
    }

    private static IConfiguration Settings(Dictionary<string, string?> values) => new ConfigurationBuilder().AddInMemoryCollection(values).Build();
}
