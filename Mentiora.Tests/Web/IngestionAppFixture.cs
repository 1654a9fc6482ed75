using System.Globalization;
using Mentiora.Grains.Projects;
using Mentiora.Tests.Infrastructure;
using Mentiora.Web.Storage;

namespace Mentiora.Tests.Web;

/// <summary>One running app per test class and storage mode, with a small body limit so 413 is cheap to test.</summary>
public abstract class IngestionAppFixture(StorageMode mode) : IAsyncLifetime
{
    /// <summary>The body limit the app is configured with in these tests.</summary>
    public const long BodyLimit = 64 * 1024;

    private MentioraApp? _app;

    public StorageMode Mode { get; } = mode;

    public MentioraApp App => _app!;

    public HttpClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var storage = await TestStorage.NewAsync(Mode);
        _app = new MentioraApp(storage, new Dictionary<string, string?> { ["Ingestion:MaxBodyBytes"] = BodyLimit.ToString() });
        Client = _app.Start();
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    /// <summary>A key of a new project, created the way the dashboard will: through the project grain.</summary>
    public Task<(Guid ProjectId, RevealedApiKey Key)> NewKeyAsync() => NewKeyAsync(App);

    /// <summary>A key of a new project in the given app.</summary>
    public static async Task<(Guid ProjectId, RevealedApiKey Key)> NewKeyAsync(MentioraApp app)
    {
        var projectId = Guid.NewGuid();
        var result = await (await app.NewProjectAsync(projectId)).CreateApiKey(MentioraApp.Owner, "Test");
        return (projectId, new RevealedApiKey(result.Created!));
    }

    /// <summary>The stored row of a span, every column as text (times in ISO 8601).</summary>
    public async Task<Dictionary<string, string?>> StoredTraceAsync(string spanId)
    {
        await using var connection = await App.Storage.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT * FROM traces WHERE CAST(span_id AS TEXT) = @span";
        var p = command.CreateParameter();
        p.ParameterName = "span";
        p.Value = spanId;
        command.Parameters.Add(p);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), $"span {spanId} should be stored");
        var row = new Dictionary<string, string?>();
        for (var i = 0; i < reader.FieldCount; i++)
        {
            row[reader.GetName(i)] = reader.IsDBNull(i) ? null : reader.GetValue(i) switch
            {
                DateTime time => time.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture),
                DateTimeOffset time => time.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
                // As JSON, the form the embedded mode stores arrays in, so both modes read the same.
                string[] texts => System.Text.Json.JsonSerializer.Serialize(texts),
                var value => Convert.ToString(value, CultureInfo.InvariantCulture),
            };
        }

        Assert.False(await reader.ReadAsync(), $"span {spanId} should be stored once");
        return row;
    }

    /// <summary>How many rows a trace has in the given storage (this fixture's by default).</summary>
    public async Task<long> CountTracesAsync(string traceId, TestStorage? storage = null)
    {
        var counts = await (storage ?? App.Storage).QueryColumnAsync(
            "SELECT COUNT(*) FROM traces WHERE CAST(trace_id AS TEXT) = @trace", ("trace", traceId));
        return Convert.ToInt64(counts[0], CultureInfo.InvariantCulture);
    }
}
