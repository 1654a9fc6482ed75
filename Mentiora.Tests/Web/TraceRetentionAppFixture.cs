using Mentiora.Tests.Infrastructure;
using Mentiora.Web.Storage;
using Mentiora.Web.Traces;
using Microsoft.Extensions.DependencyInjection;

namespace Mentiora.Tests.Web;

/// <summary>
/// One running app whose clock a test class moves forward, with the retention sweep's batches
/// made small (so a handful of traces takes several) and no background sweep: tests run one.
/// </summary>
public abstract class TraceRetentionAppFixture(StorageMode mode) : IAsyncLifetime
{
    /// <summary>Traces removed per transaction here, far below the default, so every test crosses batches.</summary>
    public const int BatchSize = 2;

    private MentioraApp? _app;

    public MentioraApp App => _app!;

    /// <summary>The app's clock (pages, grains and the sweep); it only moves forward.</summary>
    public AdjustableClock Clock { get; } = new();

    /// <summary>A client of the ingestion API.</summary>
    public HttpClient Http { get; private set; } = null!;

    /// <summary>The app's retention sweep, to run one now.</summary>
    public TraceRetentionSweeper Sweeper => App.Services.GetRequiredService<TraceRetentionSweeper>();

    public async Task InitializeAsync()
    {
        _app = new MentioraApp(
            await TestStorage.NewAsync(mode),
            new Dictionary<string, string?> { ["Traces:Retention:BatchSize"] = BatchSize.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            TestServices = services => services.AddSingleton<TimeProvider>(Clock),
        };
        Http = _app.Start();
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}

/// <summary>The retention app on the embedded SQLite default.</summary>
public sealed class EmbeddedTraceRetentionAppFixture() : TraceRetentionAppFixture(StorageMode.Embedded);

/// <summary>The retention app on PostgreSQL.</summary>
public sealed class PostgresTraceRetentionAppFixture() : TraceRetentionAppFixture(StorageMode.Postgres);
