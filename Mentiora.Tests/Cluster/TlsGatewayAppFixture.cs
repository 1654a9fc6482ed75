using System.Security.Cryptography.X509Certificates;
using Mentiora.Harness.Certificates;
using Mentiora.Tests.Infrastructure;

namespace Mentiora.Tests.Cluster;

/// <summary>
/// A PostgreSQL-mode app whose silo and gateway require the cluster certificate, shared by the tests of
/// <see cref="ClusterTransportTests"/>: each calls it from a client of its own in a project of its own, so one app serves
/// them all.
/// </summary>
public sealed class TlsGatewayAppFixture : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "mentiora-tests", Guid.NewGuid().ToString("N"));

    /// <summary>The certificate the app's cluster transport requires of every peer.</summary>
    public X509Certificate2 ClusterCertificate { get; private set; } = null!;

    /// <summary>The started app.</summary>
    public MentioraApp App { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        ClusterCertificate = SelfSignedCertificate.Create("CN=mentiora-cluster");
        var path = Path.Combine(_folder, "cluster.pfx");
        SelfSignedCertificate.WritePfx(ClusterCertificate, path);
        App = new MentioraApp(await TestStorage.NewPostgresAsync(), new Dictionary<string, string?> { ["Orleans:Tls:CertificatePath"] = path });
        App.Start();
    }

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        ClusterCertificate.Dispose();
        Directory.Delete(_folder, recursive: true);
    }
}
