using System.Diagnostics;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Mentiora.Grains.Projects;
using Mentiora.Harness.Certificates;
using Mentiora.Tests.Infrastructure;
using Mentiora.Web.Security;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace Mentiora.Tests.Cluster;

/// <summary>
/// The cluster's own connections: with a certificate configured, only a peer presenting that certificate can reach a
/// grain through the gateway (and silos talk to each other the same way; see ClusterTests, whose silos run with TLS on).
/// Without one, a PostgreSQL-mode silo says once at start that its transport is in clear.
/// </summary>
public sealed class ClusterTransportTests(TlsGatewayAppFixture fixture) : IClassFixture<TlsGatewayAppFixture>
{
    // A refused client fails at its first connection; more than this would mean it hangs on a silo that will never answer.
    private static readonly TimeSpan RefusalDeadline = TimeSpan.FromSeconds(20);

    private readonly X509Certificate2 _cluster = fixture.ClusterCertificate;
    private readonly MentioraApp _app = fixture.App;

    [Fact]
    public async Task AClientWithTheClusterCertificateCallsAGrain()
    {
        var project = await _app.NewProjectAsync();

        var client = await ConnectAsync(_cluster);
        var settings = await Grains(client).GetGrain<IProjectDashboardGrain>(project.GetPrimaryKey()).GetSettings(MentioraApp.Owner);
        await StopAsync(client);

        Assert.NotNull(settings);
    }

    [Fact]
    public async Task AClientWithoutACertificateCannotCallAGrain()
    {
        var project = await _app.NewProjectAsync();

        await AssertRefusedAsync(() => CallAsync(certificate: null, project.GetPrimaryKey()));
    }

    [Fact]
    public async Task AClientWithAnotherSelfSignedCertificateCannotCallAGrain()
    {
        var project = await _app.NewProjectAsync();
        using var stranger = SelfSignedCertificate.Create("CN=mentiora-cluster");

        await AssertRefusedAsync(() => CallAsync(stranger, project.GetPrimaryKey()));
    }

    [Fact]
    public async Task APostgresSiloWithoutACertificateSaysOnceThatItsTransportIsNotEncrypted()
    {
        await using var clear = new MentioraApp(await TestStorage.NewPostgresAsync());
        clear.Start();

        Assert.Single(clear.Logs.GetSnapshot(), r => r.Level == LogLevel.Warning && r.Message == ClusterTransport.UnencryptedWarning);
        Assert.DoesNotContain(_app.Logs.GetSnapshot(), r => r.Message == ClusterTransport.UnencryptedWarning);
    }

    [Fact]
    public async Task AnEmbeddedAppWhoseSiloListensOnLoopbackOnlyGivesNoTransportWarning()
    {
        await using var embedded = new MentioraApp(TestStorage.NewEmbedded());
        embedded.Start();

        Assert.DoesNotContain(embedded.Logs.GetSnapshot(), r => r.Message == ClusterTransport.UnencryptedWarning);
    }

    private async Task CallAsync(X509Certificate2? certificate, Guid projectId)
    {
        var client = await ConnectAsync(certificate);
        try
        {
            await Grains(client).GetGrain<IProjectDashboardGrain>(projectId).GetSettings(MentioraApp.Owner);
        }
        finally
        {
            await StopAsync(client);
        }
    }

    private static async Task AssertRefusedAsync(Func<Task> call)
    {
        var clock = Stopwatch.StartNew();
        var failure = await Record.ExceptionAsync(call);

        Assert.NotNull(failure);
        Assert.True(clock.Elapsed < RefusalDeadline, $"refusing the client took {clock.Elapsed.TotalSeconds:0.0} s ({failure.GetType().Name}: {failure.Message})");
    }

    // An Orleans client of the app's gateway, as anyone who reaches the port could start one.
    private async Task<IHost> ConnectAsync(X509Certificate2? certificate)
    {
        var configuration = _app.Services.GetRequiredService<IConfiguration>();
        var gateway = new IPEndPoint(IPAddress.Loopback, int.Parse(configuration["Orleans:GatewayPort"]!, System.Globalization.CultureInfo.InvariantCulture));
        var host = new HostBuilder()
            .UseOrleansClient(client =>
            {
                client.UseStaticClustering(gateway);
                // A client that is refused would keep trying until cancelled; one try tells refused from hung.
                client.UseConnectionRetryFilter((_, _) => Task.FromResult(false));
                client.Configure<ClusterOptions>(o =>
                {
                    o.ClusterId = configuration["Orleans:ClusterId"] ?? "mentiora";
                    o.ServiceId = configuration["Orleans:ServiceId"] ?? "mentiora";
                });
                if (certificate is not null)
                {
                    // It trusts the silo whatever it presents: the test is whether the silo trusts it.
                    client.UseTls(certificate, o => o.AllowAnyRemoteCertificate());
                }
            })
            .Build();
        using var deadline = new CancellationTokenSource(RefusalDeadline + TimeSpan.FromSeconds(10));
        try
        {
            await host.StartAsync(deadline.Token);
        }
        catch
        {
            host.Dispose();
            throw;
        }

        return host;
    }

    private static IClusterClient Grains(IHost client) => client.Services.GetRequiredService<IClusterClient>();

    private static async Task StopAsync(IHost client)
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await client.StopAsync(stop.Token);
        }
        catch (OperationCanceledException)
        {
            // Its goodbye is not what the test is about.
        }

        client.Dispose();
    }
}
