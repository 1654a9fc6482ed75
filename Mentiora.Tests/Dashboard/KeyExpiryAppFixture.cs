using Mentiora.Tests.Infrastructure;
using Mentiora.Web.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Mentiora.Tests.Dashboard;

/// <summary>One running app whose clock (pages and grains alike) a test class moves forward, to see keys expire.</summary>
public abstract class KeyExpiryAppFixture(StorageMode mode) : IAsyncLifetime
{
    private MentioraApp? _app;

    public MentioraApp App => _app!;

    /// <summary>The app's clock; it only moves forward, so each test counts from the time it starts.</summary>
    public AdjustableClock Clock { get; } = new();

    /// <summary>A fresh browser (cookie jar) on the app.</summary>
    public DashboardClient NewVisitor() => new(App);

    public async Task InitializeAsync()
    {
        _app = new MentioraApp(await TestStorage.NewAsync(mode)) { TestServices = services => services.AddSingleton<TimeProvider>(Clock) };
        _app.Start();
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}

/// <summary>The moving-clock app on the embedded SQLite default.</summary>
public sealed class EmbeddedKeyExpiryAppFixture() : KeyExpiryAppFixture(StorageMode.Embedded);

/// <summary>The moving-clock app on PostgreSQL.</summary>
public sealed class PostgresKeyExpiryAppFixture() : KeyExpiryAppFixture(StorageMode.Postgres);
