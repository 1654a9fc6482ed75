using Mentiora.Grains;
using Mentiora.Grains.Activity;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace Mentiora.Tests.Infrastructure;

/// <summary>An in-process Orleans silo with the grains and what they need; tests use fresh project ids.</summary>
public sealed class GrainClusterFixture : IAsyncLifetime
{
    private InProcessTestCluster? _cluster;

    public IGrainFactory Grains => _cluster!.Client;

    /// <summary>The activity log the grains append to, held in memory.</summary>
    public InMemoryActivityLog ActivityLog { get; } = new();

    /// <summary>The grains' clock; a test class that moves it has this fixture to itself.</summary>
    public AdjustableClock Clock { get; } = new();

    /// <summary>The silo's services, for tests that lay out storage the way an earlier version left it.</summary>
    public IServiceProvider SiloServices => _cluster!.Silos[0].ServiceProvider;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddMemoryGrainStorage(StorageNames.Grains);
            silo.Services.AddSingleton<IDataProtectionProvider>(new EphemeralDataProtectionProvider());
            silo.Services.AddSingleton<IActivityLog>(ActivityLog);
            silo.Services.AddSingleton<TimeProvider>(Clock);

            // Keys created here are in memory only, but the ledger must know them: any other app's
            // database, logs or pages holding one would be a leak just the same.
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
