using Mentiora.Grains.KeyDirectory;
using Mentiora.Grains.Projects;
using Microsoft.Extensions.DependencyInjection;

namespace Mentiora.Tests.Infrastructure;

/// <summary>
/// Counts the grain calls a key check can make (key directory lookups and the project's key
/// checks) as the silo receives them, so tests can tell a refusal that cost nothing from one that asked.
/// </summary>
public sealed class KeyLookupCalls : IIncomingGrainCallFilter
{
    private long _directoryCalls;
    private long _keyChecks;

    /// <summary>Calls to any key directory entry so far.</summary>
    public long DirectoryCalls => Interlocked.Read(ref _directoryCalls);

    /// <summary>Calls to key directory entries and to projects' key checks so far.</summary>
    public long All => DirectoryCalls + Interlocked.Read(ref _keyChecks);

    /// <summary>Registers the counter as a grain call filter of the silo, and as itself for tests to read.</summary>
    public static void AddTo(IServiceCollection services)
    {
        services.AddSingleton<KeyLookupCalls>();
        services.AddSingleton<IIncomingGrainCallFilter>(provider => provider.GetRequiredService<KeyLookupCalls>());
    }

    public Task Invoke(IIncomingGrainCallContext context)
    {
        var called = context.InterfaceMethod?.DeclaringType;
        if (called == typeof(IKeyDirectoryGrain))
        {
            Interlocked.Increment(ref _directoryCalls);
        }
        else if (called == typeof(IProjectApiGrain) && context.InterfaceMethod!.Name is nameof(IProjectApiGrain.Authenticate) or nameof(IProjectApiGrain.AuthenticateBrowser))
        {
            Interlocked.Increment(ref _keyChecks);
        }

        return context.Invoke();
    }
}
