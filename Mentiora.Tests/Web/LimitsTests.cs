using System.Net;
using Mentiora.Grains.Keys;
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
    public async Task GuessingKeysFromOneAddressIsRefusedWith429ButAValidKeyFromThatAddressIsLetThrough()
    {
        await using var app = new MentioraApp(TestStorage.NewEmbedded(), new Dictionary<string, string?> { ["Limits:FailedAuthenticationsPerIpPerMinute"] = "5" });
        var client = app.Start();
        var (_, key) = await IngestionAppFixture.NewKeyAsync(app);
        Assert.Equal(HttpStatusCode.Accepted, (await client.SendAsync(TraceEvents.Post(TraceEvents.Valid(), key.Key))).StatusCode);

        for (var i = 0; i < 5; i++)
        {
            await ApiAssert.Error(await client.SendAsync(TraceEvents.Post(TraceEvents.Valid(), ApiKeyMaterial.NewSecretKey())),
                HttpStatusCode.Unauthorized, "invalid_api_key");
        }

        var guess = await client.SendAsync(TraceEvents.Post(TraceEvents.Valid(), ApiKeyMaterial.NewSecretKey()));
        await ApiAssert.Error(guess, HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.True(guess.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(30));

        // One bad client behind a shared address does not shut out the good ones there.
        var lookupsBefore = app.KeyLookupCalls.DirectoryCalls;
        Assert.Equal(HttpStatusCode.Accepted, (await client.SendAsync(TraceEvents.Post(TraceEvents.Valid(), key.Key))).StatusCode);
        await ApiAssert.Error(await client.SendAsync(TraceEvents.Post(TraceEvents.Valid(), ApiKeyMaterial.NewSecretKey())), HttpStatusCode.TooManyRequests, "rate_limited");
        await ApiAssert.Error(await client.SendAsync(FromPage(ApiKeyMaterial.NewPublishableKey(), "https://app.example.com")),
            HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.Equal(lookupsBefore, app.KeyLookupCalls.DirectoryCalls);

        // While blocked, the address costs no lookups: a key this silo has not placed yet waits like an unknown one.
        var (_, unseen) = await IngestionAppFixture.NewKeyAsync(app);
        lookupsBefore = app.KeyLookupCalls.DirectoryCalls;
        await ApiAssert.Error(await client.SendAsync(TraceEvents.Post(TraceEvents.Valid(), unseen.Key)), HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.Equal(lookupsBefore, app.KeyLookupCalls.DirectoryCalls);
    }

    [Fact]
    public async Task RefusalsThatAreNoGuessDoNotCountTowardTheAddressLimit()
    {
        await using var app = new MentioraApp(TestStorage.NewEmbedded(), new Dictionary<string, string?> { ["Limits:FailedAuthenticationsPerIpPerMinute"] = "3" });
        var client = app.Start();
        var (projectId, key) = await IngestionAppFixture.NewKeyAsync(app);
        const string Page = "https://app.example.com";
        var project = app.Grains.GetGrain<Mentiora.Grains.Projects.IProjectDashboardGrain>(projectId);
        Assert.Equal(Mentiora.Grains.Projects.OriginChangeOutcome.Done, (await project.AddAllowedOrigin(MentioraApp.Owner, key.Summary.Id, Page)).Outcome);
        var (revokedProjectId, revoked) = await IngestionAppFixture.NewKeyAsync(app);
        Assert.True(await app.Grains.GetGrain<Mentiora.Grains.Projects.IProjectDashboardGrain>(revokedProjectId).RevokeApiKey(MentioraApp.Owner, revoked.Summary.Id));

        for (var i = 0; i < 5; i++)
        {
            // A revoked key sent whole is its holder's, told when it was revoked: no guess either.
            var revokedKey = await ApiAssert.Error(await client.SendAsync(TraceEvents.Post(TraceEvents.Valid(), revoked.Key)), HttpStatusCode.Unauthorized, "invalid_api_key");
            Assert.Contains("was revoked on", (string)revokedKey["message"]!);
            var revokedPage = await ApiAssert.Error(await client.SendAsync(FromPage(revoked.Summary.PublishableKey, Page)), HttpStatusCode.Unauthorized, "invalid_api_key");
            Assert.Contains("was revoked on", (string)revokedPage["message"]!);
            // Refused without a lookup, or refused although the key is valid: none of these is guessing a key.
            await ApiAssert.Error(await client.SendAsync(TraceEvents.Post(TraceEvents.Valid(), "not-a-key")), HttpStatusCode.Unauthorized, "invalid_api_key");
            var badToken = FromPage(key.Summary.PublishableKey, Page);
            badToken.Headers.Add("X-Mentiora-Identity-Token", "abc");
            await ApiAssert.Error(await client.SendAsync(badToken), HttpStatusCode.Unauthorized, "identity_token_invalid");
            await ApiAssert.Error(await client.SendAsync(FromPage(key.Summary.PublishableKey, "https://elsewhere.example.org")),
                HttpStatusCode.Forbidden, "origin_not_allowed");
            await ApiAssert.Error(await client.SendAsync(FromPage(key.Key, Page)), HttpStatusCode.Forbidden, "insufficient_permissions");
        }

        await ApiAssert.Error(await client.SendAsync(TraceEvents.Post(TraceEvents.Valid(), ApiKeyMaterial.NewSecretKey())), HttpStatusCode.Unauthorized, "invalid_api_key");
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

    private static HttpRequestMessage FromPage(string key, string origin)
    {
        var request = TraceEvents.Post(TraceEvents.Valid(), key);
        request.Headers.Add("Origin", origin);
        return request;
    }
}
