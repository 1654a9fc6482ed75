using System.Net;
using Mentiora.Grains.Keys;
using Mentiora.Tests.Infrastructure;

namespace Mentiora.Tests.Web;

/// <summary>
/// What refusing a bad key costs the cluster: nothing for a key of the wrong shape, nothing for an
/// unknown key sent again, and no activation that outlives the lookup of an unknown key. A valid
/// key is never held back by what was remembered about unknown ones.
/// </summary>
public sealed class KeyLookupCostTests(EmbeddedIngestionAppFixture fixture) : LeakCheckedTests(fixture.App), IClassFixture<EmbeddedIngestionAppFixture>
{
    private const string Origin = "https://app.example.com";

    private HttpClient Client => fixture.Client;

    private KeyLookupCalls Calls => fixture.App.KeyLookupCalls;

    private static HttpRequestMessage Trace(string bearer, string? origin = null)
    {
        var request = TraceEvents.Post(TraceEvents.Valid(), key: null);
        request.Headers.TryAddWithoutValidation("Authorization", $"Bearer {bearer}");
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        return request;
    }

    // Neither a secret key (43 base64url characters) nor a publishable one (pk_live_ and 32), nor a
    // prefix or a key with whitespace, whose refusals are counted for the key they resemble.
    private static IEnumerable<(string Bearer, string? Origin)> MalformedKeys(int count)
    {
        const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        var random = new Random(13);
        string Text(int length) => new(Enumerable.Range(0, length).Select(_ => Alphabet[random.Next(Alphabet.Length)]).ToArray());
        for (var i = 0; i < count; i++)
        {
            yield return (i % 5) switch
            {
                0 => (Text(random.Next(9, 43)), null),
                1 => (Text(random.Next(44, 120)), null),
                2 => (Text(42) + "+/=."[i % 4], null),
                3 => (ApiKeyMaterial.PublishablePrefix + Text(random.Next(0, 2) == 0 ? random.Next(1, 32) : random.Next(33, 80)), Origin),
                _ => (ApiKeyMaterial.PublishablePrefix + Text(31) + "+/=."[i % 4], Origin),
            };
        }
    }

    private async Task<int> DirectoryActivationsAsync()
    {
        var statistics = await fixture.App.Grains.GetGrain<IManagementGrain>(0).GetSimpleGrainStatistics();
        return statistics.Where(s => s.GrainType.Contains("KeyDirectoryGrain", StringComparison.Ordinal)).Sum(s => s.ActivationCount);
    }

    [Fact]
    public async Task AThousandMalformedKeysAreRefusedWithoutAnyGrainCall()
    {
        var before = Calls.All;
        var activationsBefore = await DirectoryActivationsAsync();

        foreach (var batch in MalformedKeys(1_000).Chunk(25))
        {
            var answers = await Task.WhenAll(batch.Select(key => Client.SendAsync(Trace(key.Bearer, key.Origin))));
            foreach (var answer in answers)
            {
                await ApiAssert.Error(answer, HttpStatusCode.Unauthorized, "invalid_api_key");
            }
        }

        Assert.Equal(0, Calls.All - before);
        Assert.Equal(activationsBefore, await DirectoryActivationsAsync());
    }

    [Fact]
    public async Task AMalformedPublishableKeySaysWhatAPublishableKeyLooksLike()
    {
        var error = await ApiAssert.Error(await Client.SendAsync(Trace("pk_live_abc", Origin)), HttpStatusCode.Unauthorized, "invalid_api_key");

        Assert.Contains("pk_live_ followed by 32 characters", (string)error["message"]!);
    }

    [Fact]
    public async Task AnUnknownKeySentAgainIsRefusedWithoutAnyGrainCall()
    {
        var secret = ApiKeyMaterial.NewSecretKey();
        var publishable = ApiKeyMaterial.NewPublishableKey();
        var before = Calls.All;
        await ApiAssert.Error(await Client.SendAsync(Trace(secret)), HttpStatusCode.Unauthorized, "invalid_api_key");
        await ApiAssert.Error(await Client.SendAsync(Trace(publishable, Origin)), HttpStatusCode.Unauthorized, "invalid_api_key");
        Assert.Equal(2, Calls.All - before);

        for (var i = 0; i < 10; i++)
        {
            await ApiAssert.Error(await Client.SendAsync(Trace(secret)), HttpStatusCode.Unauthorized, "invalid_api_key");
            await ApiAssert.Error(await Client.SendAsync(Trace(publishable, Origin)), HttpStatusCode.Unauthorized, "invalid_api_key");
        }

        Assert.Equal(2, Calls.All - before);
    }

    [Fact]
    public async Task AWrongKeyWithARealKeysPrefixDoesNotHoldTheRealKeyBack()
    {
        var (_, key) = await fixture.NewKeyAsync();
        var wrong = key.Summary.Prefix + ApiKeyMaterial.NewSecretKey()[ApiKeyMaterial.PrefixLength..];

        for (var i = 0; i < 3; i++)
        {
            await ApiAssert.Error(await Client.SendAsync(Trace(wrong)), HttpStatusCode.Unauthorized, "invalid_api_key");
        }

        Assert.Equal(HttpStatusCode.Accepted, (await Client.SendAsync(Trace(key.Key))).StatusCode);
        await ApiAssert.Error(await Client.SendAsync(Trace(wrong)), HttpStatusCode.Unauthorized, "invalid_api_key");
        Assert.Equal(HttpStatusCode.Accepted, (await Client.SendAsync(Trace(key.Key))).StatusCode);
    }

    [Fact]
    public async Task AKeyRevokedAfterItWasUsedIsRefusedAtOnceAndStaysRefused()
    {
        var (projectId, key) = await fixture.NewKeyAsync();
        Assert.Equal(HttpStatusCode.Accepted, (await Client.SendAsync(Trace(key.Key))).StatusCode);

        var project = fixture.App.Grains.GetGrain<Mentiora.Grains.Projects.IProjectDashboardGrain>(projectId);
        Assert.True(await project.RevokeApiKey(MentioraApp.Owner, key.Summary.Id));

        for (var i = 0; i < 3; i++)
        {
            await ApiAssert.Error(await Client.SendAsync(Trace(key.Key)), HttpStatusCode.Unauthorized, "invalid_api_key");
        }
    }

    [Fact]
    public async Task DirectoryEntriesLookedUpForUnknownKeysDeactivateWithinSeconds()
    {
        // A real key's entries stay active: they show the statistics count the directory at all.
        await fixture.NewKeyAsync();
        var baseline = await DirectoryActivationsAsync();
        Assert.True(baseline >= 2, $"a new key's two directory entries are active, counted {baseline}");
        var lookupsBefore = Calls.DirectoryCalls;

        foreach (var batch in Enumerable.Range(0, 200).Chunk(20))
        {
            await Task.WhenAll(batch.Select(i => Client.SendAsync(i % 2 == 0
                ? Trace(ApiKeyMaterial.NewSecretKey())
                : Trace(ApiKeyMaterial.NewPublishableKey(), Origin))));
        }

        Assert.Equal(200, Calls.DirectoryCalls - lookupsBefore);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        int active;
        while ((active = await DirectoryActivationsAsync()) > baseline + 5 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }

        Assert.True(active <= baseline + 5, $"{active - baseline} of the 200 unknown keys' directory entries were still active after 10 s");
    }
}
