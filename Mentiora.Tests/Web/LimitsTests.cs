using System.Net;
using Mentiora.Tests.Infrastructure;

namespace Mentiora.Tests.Web;

/// <summary>One caller cannot hurt everyone: per-key rates, key guessing and password guessing are limited with 429.</summary>
public sealed class LimitsTests
{
    [Fact]
    public async Task AKeyOverItsRateGets429WithRetryAfterAndOthersAreUnaffected()
    {
        await using var app = new MentioraApp(TestStorage.NewEmbedded(), new Dictionary<string, string?> { ["Limits:KeyRequestsPerSecond"] = "3" });
        var client = app.Start();
        var (_, busy) = await IngestionAppFixture.NewKeyAsync(app);
        var (_, quiet) = await IngestionAppFixture.NewKeyAsync(app);

        var answers = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => client.SendAsync(TraceEvents.Post(TraceEvents.Valid(), busy.Key))));

        var limited = answers.Where(a => a.StatusCode == HttpStatusCode.TooManyRequests).ToArray();
        Assert.NotEmpty(limited);
        Assert.Contains(answers, a => a.StatusCode == HttpStatusCode.Accepted);
        await ApiAssert.Error(limited[0], HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.NotNull(limited[0].Headers.RetryAfter);
        Assert.Equal(HttpStatusCode.Accepted, (await client.SendAsync(TraceEvents.Post(TraceEvents.Valid(), quiet.Key))).StatusCode);
    }

    [Fact]
    public async Task KeysAreNotLimitedByDefault()
    {
        await using var app = new MentioraApp(TestStorage.NewEmbedded());
        var client = app.Start();
        var (_, key) = await IngestionAppFixture.NewKeyAsync(app);

        var answers = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => client.SendAsync(TraceEvents.Post(TraceEvents.Valid(), key.Key))));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Accepted, a.StatusCode));
    }

    [Fact]
    public async Task GuessingKeysFromOneAddressIsRefusedWith429()
    {
        await using var app = new MentioraApp(TestStorage.NewEmbedded(), new Dictionary<string, string?> { ["Limits:FailedAuthenticationsPerIpPerMinute"] = "5" });
        var client = app.Start();
        var (_, key) = await IngestionAppFixture.NewKeyAsync(app);

        for (var i = 0; i < 5; i++)
        {
            await ApiAssert.Error(await client.SendAsync(TraceEvents.Post(TraceEvents.Valid(), Mentiora.Grains.Keys.ApiKeyMaterial.NewSecretKey())),
                HttpStatusCode.Unauthorized, "invalid_api_key");
        }

        var guess = await client.SendAsync(TraceEvents.Post(TraceEvents.Valid(), Mentiora.Grains.Keys.ApiKeyMaterial.NewSecretKey()));
        await ApiAssert.Error(guess, HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.True(guess.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(30));
        // While blocked, even a good key from that address waits: the address is not trusted for now.
        await ApiAssert.Error(await client.SendAsync(TraceEvents.Post(TraceEvents.Valid(), key.Key)), HttpStatusCode.TooManyRequests, "rate_limited");
    }

    [Fact]
    public async Task SignInAttemptsArePerAccountLimited()
    {
        await using var app = new MentioraApp(TestStorage.NewEmbedded(), new Dictionary<string, string?> { ["Limits:SignInAttemptsPerMinute"] = "3" });
        var email = DashboardClient.NewEmail();
        await new DashboardClient(app).SignUpAsync(email);
        var browser = new DashboardClient(app);
        await browser.GetPageAsync("/signin");

        for (var i = 0; i < 3; i++)
        {
            var wrong = await browser.PostFormAsync("/signin", new() { ["Email"] = email, ["Password"] = $"wrong password {i}" });
            Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
        }

        var right = await browser.PostFormAsync("/signin", new() { ["Email"] = email, ["Password"] = DashboardClient.Password });
        Assert.Equal(HttpStatusCode.TooManyRequests, right.StatusCode);
        Assert.Contains("Too many sign-in attempts", await right.Content.ReadAsStringAsync());
    }
}
