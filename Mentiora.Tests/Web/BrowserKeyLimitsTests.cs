using System.Net;
using System.Text.Json.Nodes;
using Mentiora.Grains.Projects;
using Mentiora.Grains.Usage;
using Mentiora.Tests.Infrastructure;

namespace Mentiora.Tests.Web;

/// <summary>
/// A publishable key is public, so what it may write is bounded by default: a smaller body limit
/// than the secret key's and a per-key request rate, both configurable.
/// </summary>
public sealed class BrowserKeyLimitsTests
{
    private const string Site = "https://app.example.com";

    private static async Task<(IProjectDashboardGrain Project, RevealedApiKey Key)> BrowserKeyAsync(MentioraApp app)
    {
        var (projectId, key) = await IngestionAppFixture.NewKeyAsync(app);
        var project = app.Grains.GetGrain<IProjectDashboardGrain>(projectId);
        Assert.Equal(OriginChangeOutcome.Done, (await project.AddAllowedOrigin(MentioraApp.Owner, key.Summary.Id, Site)).Outcome);
        return (project, key);
    }

    private static HttpRequestMessage FromBrowser(JsonNode body, RevealedApiKey key)
    {
        var request = TraceEvents.Post(body, key.Summary.PublishableKey);
        request.Headers.Add("Origin", Site);
        return request;
    }

    private static JsonObject TraceOfBytes(int inputCharacters)
    {
        var trace = TraceEvents.Valid();
        trace["input"] = new string('x', inputCharacters);
        return trace;
    }

    // Sends requests with a few in flight at a time, the way a busy page's visitors would, and returns every answer.
    private static async Task<HttpResponseMessage[]> SendManyAsync(HttpClient client, int count, Func<HttpRequestMessage> request)
    {
        var answers = new HttpResponseMessage[count];
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, 16).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                answers[i] = await client.SendAsync(request());
            }
        }));
        return answers;
    }

    private static async Task<long> RefusalsCountedAsync(IProjectDashboardGrain project, Guid keyId, KeyRefusalReason reason, long expected)
    {
        // Each silo reports its counts about once a second.
        var deadline = DateTime.UtcNow.AddSeconds(15);
        long counted;
        do
        {
            await Task.Delay(200);
            var usage = await project.GetKeyUsage(MentioraApp.Owner, keyId);
            counted = usage!.Refusals.Where(r => r.Reason == reason).Sum(r => r.Count);
        }
        while (counted < expected && DateTime.UtcNow < deadline);
        return counted;
    }

    [Fact]
    public async Task ABrowserBodyOverTheDefault256KiBGets413ThatNamesBothLimitsWhileTheSecretKeyMaySendIt()
    {
        await using var app = new MentioraApp(TestStorage.NewEmbedded());
        var client = app.Start();
        var (project, key) = await BrowserKeyAsync(app);
        var tooBig = TraceOfBytes(300 * 1024);
        var fits = TraceOfBytes(200 * 1024);

        var refused = await client.SendAsync(FromBrowser(tooBig, key));
        var fromBrowser = await client.SendAsync(FromBrowser(fits, key));
        var fromServer = await client.SendAsync(TraceEvents.Post(tooBig, key.Key));

        var error = await ApiAssert.Error(refused, HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
        Assert.Equal(
            "The request body is larger than 262144 bytes, this server's limit for browser requests with a publishable key (Ingestion:BrowserMaxBodyBytes). Send fewer events per batch, or smaller inputs and outputs; server-side SDKs with the secret API key may send up to 5242880 bytes (Ingestion:MaxBodyBytes).",
            (string?)error["message"]);
        Assert.Equal(Site, refused.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Equal(HttpStatusCode.Accepted, fromBrowser.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, fromServer.StatusCode);
        Assert.Equal(1, await RefusalsCountedAsync(project, key.Summary.Id, KeyRefusalReason.PayloadTooLarge, 1));
    }

    [Fact]
    public async Task APublishableKeyOverTheDefaultRateGets429WithRetryAfterWhileItsSecretKeyIsUnaffected()
    {
        await using var app = new MentioraApp(TestStorage.NewEmbedded());
        var client = app.Start();
        var (project, key) = await BrowserKeyAsync(app);

        // Refused bodies (invalid_trace) cost no write, so the requests come faster than 50 a second on any machine.
        var answers = await SendManyAsync(client, 400, () => FromBrowser(new JsonObject(), key));
        var fromServer = await client.SendAsync(TraceEvents.Post(TraceEvents.Valid(), key.Key));

        var limited = answers.Where(a => a.StatusCode == HttpStatusCode.TooManyRequests).ToArray();
        Assert.NotEmpty(limited);
        Assert.All(answers, a => Assert.Contains(a.StatusCode, new[] { HttpStatusCode.BadRequest, HttpStatusCode.TooManyRequests }));
        Assert.True(answers.Count(a => a.StatusCode == HttpStatusCode.BadRequest) >= 100, "a burst of 100 requests is let through");
        var error = await ApiAssert.Error(limited[0], HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.StartsWith("This publishable key sent more than 50 requests per second (bursts of 100)", (string?)error["message"]);
        Assert.True(limited[0].Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
        Assert.Equal(Site, limited[0].Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Equal(HttpStatusCode.Accepted, fromServer.StatusCode);
        Assert.Equal(limited.Length, await RefusalsCountedAsync(project, key.Summary.Id, KeyRefusalReason.RateLimited, limited.Length));
    }

    [Fact]
    public async Task BothBrowserLimitsAreSettings()
    {
        await using var app = new MentioraApp(TestStorage.NewEmbedded(), new Dictionary<string, string?>
        {
            ["Limits:PublishableKeyRequestsPerSecond"] = "0",
            ["Ingestion:BrowserMaxBodyBytes"] = "16384",
        });
        var client = app.Start();
        var (_, key) = await BrowserKeyAsync(app);

        var answers = await SendManyAsync(client, 300, () => FromBrowser(new JsonObject(), key));
        var refused = await client.SendAsync(FromBrowser(TraceOfBytes(20 * 1024), key));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.BadRequest, a.StatusCode));
        var error = await ApiAssert.Error(refused, HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
        Assert.Contains("larger than 16384 bytes", (string?)error["message"]);
    }
}
