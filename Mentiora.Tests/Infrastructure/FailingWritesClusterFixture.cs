using Mentiora.Grains;
using Mentiora.Grains.Activity;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Orleans.TestingHost;

namespace Mentiora.Tests.Infrastructure;

/// <summary>An in-process silo like <see cref="GrainClusterFixture"/> whose grain storage fails writes on demand (see <see cref="FailingWritesStorage"/>).</summary>
public sealed class FailingWritesClusterFixture : IAsyncLifetime
{
    private const string InnerStorage = "inner";

    private InProcessTestCluster? _cluster;

    public IGrainFactory Grains => _cluster!.Client;

    /// <summary>The activity log the grains append to, held in memory.</summary>
    public InMemoryActivityLog ActivityLog { get; } = new();

    /// <summary>The silo's grain storage, to fail the next write of a grain.</summary>
    public FailingWritesStorage Storage => (FailingWritesStorage)_cluster!.Silos[0].ServiceProvider.GetRequiredKeyedService<IGrainStorage>(StorageNames.Grains);

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddMemoryGrainStorage(InnerStorage);
            silo.Services.AddKeyedSingleton<IGrainStorage>(StorageNames.Grains, (services, _) => new FailingWritesStorage(services.GetRequiredKeyedService<IGrainStorage>(InnerStorage)));
            silo.Services.AddSingleton<IDataProtectionProvider>(new EphemeralDataProtectionProvider());
            silo.Services.AddSingleton<IActivityLog>(ActivityLog);
            silo.Services.AddSingleton(TimeProvider.System);
            silo.Services.AddSingleton<IIncomingGrainCallFilter, IssuedSecretsRecorder>();
        });
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}
