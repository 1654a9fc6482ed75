using Mentiora.Tests.Infrastructure;
using Mentiora.Web.Storage;

namespace Mentiora.Tests.Dashboard;

/// <summary>One running app for a dashboard test class; each test signs up its own accounts.</summary>
public abstract class DashboardAppFixture(StorageMode mode) : IAsyncLifetime
{
    private MentioraApp? _app;

    public MentioraApp App => _app!;

    /// <summary>A fresh browser (cookie jar) on the app.</summary>
    public DashboardClient NewVisitor() => new(App);

    public async Task InitializeAsync()
    {
        _app = new MentioraApp(await TestStorage.NewAsync(mode));
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
