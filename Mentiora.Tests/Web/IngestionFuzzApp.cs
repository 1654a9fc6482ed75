using System.Globalization;
using System.Text;
using Mentiora.Tests.Infrastructure;

namespace Mentiora.Tests.Web;

/// <summary>
/// The one running app, with a deployment's default settings, that every kind of
/// <see cref="IngestionFuzzTests"/> sends its requests to, and the seed they are generated from.
/// </summary>
public sealed class IngestionFuzzApp : IAsyncLifetime
{
    /// <summary>Set to replay or explore another run: every failure message prints the seed it came from.</summary>
    public const string SeedVariable = "MENTIORA_FUZZ_SEED";

    // Fixed unless the variable says otherwise, so that every ordinary run sends the same requests.
    private const int DefaultSeed = 20_250_601;

    private readonly MentioraApp _app = new(TestStorage.NewEmbedded());

    /// <summary>The seed every kind's requests are generated from.</summary>
    public int Seed { get; } = ReadSeed();

    public MentioraApp App => _app;

    public HttpClient Client { get; private set; } = null!;

    /// <summary>A client that sends header values as UTF-8, the way SDKs in other languages do.</summary>
    public HttpClient Utf8HeadersClient { get; private set; } = null!;

    /// <summary>A valid secret key of the app's one project.</summary>
    public string Key { get; private set; } = null!;

    /// <summary>That key's prefix, as the dashboard lists it.</summary>
    public string Prefix { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Client = _app.Start();

        // HttpClient refuses non-ASCII header values unless told how to encode them; SDKs in other languages just send UTF-8.
        Utf8HeadersClient = new HttpClient(new SocketsHttpHandler { RequestHeaderEncodingSelector = (_, _) => Encoding.UTF8 })
        {
            BaseAddress = Client.BaseAddress,
        };
        var (_, key) = await IngestionAppFixture.NewKeyAsync(_app);
        Key = key.Key;
        Prefix = key.Summary.Prefix;

        // Warm up first, so JIT, pools and grain activations are not counted as growth by the first kind.
        using var warmUp = await Client.SendAsync(TraceEvents.Post(TraceEvents.Valid(), Key));
        Assert.Equal(202, (int)warmUp.StatusCode);
    }

    public async Task DisposeAsync()
    {
        Utf8HeadersClient?.Dispose();
        await _app.DisposeAsync();
    }

    private static int ReadSeed()
    {
        var configured = Environment.GetEnvironmentVariable(SeedVariable);
        if (string.IsNullOrWhiteSpace(configured))
        {
            return DefaultSeed;
        }

        return int.TryParse(configured, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seed)
            ? seed
            : throw new InvalidOperationException($"{SeedVariable} is '{configured}', not a whole number.");
    }
}
