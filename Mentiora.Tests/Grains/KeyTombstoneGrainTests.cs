using System.Text.Json;
using Mentiora.Grains;
using Mentiora.Grains.Activity;
using Mentiora.Grains.KeyDirectory;
using Mentiora.Grains.Keys;
using Mentiora.Grains.Projects;
using Mentiora.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace Mentiora.Tests.Grains;

/// <summary>
/// Revoked keys remembered by their hashes for 90 days, so their holders learn what happened and
/// when, and expired keys logged once in the activity; this class moves its cluster's clock.
/// </summary>
public sealed class KeyTombstoneGrainTests(GrainClusterFixture cluster) : IClassFixture<GrainClusterFixture>
{
    private const string Owner = "owner@example.com";
    private const string Origin = "https://app.example.com";

    private async Task<IProjectDashboardGrain> NewProject()
    {
        var project = cluster.Grains.GetGrain<IProjectDashboardGrain>(Guid.NewGuid());
        Assert.True(await project.Create(Owner, "Test project"));
        return project;
    }

    private IProjectApiGrain Api(IProjectDashboardGrain project) => cluster.Grains.GetGrain<IProjectApiGrain>(project.GetPrimaryKey());

    private async Task<RevealedApiKey> NewKey(IProjectDashboardGrain project, KeyExpiry expiry = KeyExpiry.Never)
    {
        var key = new RevealedApiKey((await project.CreateApiKey(Owner, "Production", null, expiry)).Created!);
        Assert.Equal(OriginChangeOutcome.Done, (await project.AddAllowedOrigin(Owner, key.Summary.Id, Origin)).Outcome);
        return key;
    }

    private Task<SecretKeyAuthentication> AuthenticateAsync(IProjectDashboardGrain project, string key) =>
        Api(project).Authenticate(ApiKeyMaterial.PrefixOf(key), ApiKeyMaterial.Hash(key));

    private Task<KeyOwner?> DirectoryOwnerAsync(string directoryKey) => cluster.Grains.GetGrain<IKeyDirectoryGrain>(directoryKey).GetOwner();

    private async Task<ProjectState> StoredStateAsync(IProjectDashboardGrain project)
    {
        var storage = cluster.SiloServices.GetRequiredKeyedService<IGrainStorage>(StorageNames.Grains);
        var state = new GrainState<ProjectState>(new ProjectState());
        await storage.ReadStateAsync("project", project.GetGrainId(), state);
        return state.State ?? new ProjectState();
    }

    [Fact]
    public async Task ARevokedKeyAndItsPublishableKeyAreRefusedWithTheMomentOfRevocationButOnlyForTheWholeKey()
    {
        var project = await NewProject();
        var key = await NewKey(project);
        cluster.Clock.Advance(TimeSpan.FromDays(3));
        var before = cluster.Clock.GetUtcNow();
        Assert.True(await project.RevokeApiKey(Owner, key.Summary.Id));
        var after = cluster.Clock.GetUtcNow();
        cluster.Clock.Advance(TimeSpan.FromDays(1));

        var secret = await AuthenticateAsync(project, key.Key);
        Assert.Equal(SecretKeyAuthenticationOutcome.Revoked, secret.Outcome);
        Assert.Null(secret.Key);
        Assert.Null(secret.ExpiredAt);
        Assert.InRange(secret.RevokedAt!.Value, before, after);
        var browser = await Api(project).AuthenticateBrowser(key.Summary.PublishableKey, Origin, null);
        Assert.Equal(BrowserAuthenticationOutcome.KeyRevoked, browser.Outcome);
        Assert.Equal(secret.RevokedAt, browser.KeyRevokedAt);
        Assert.Null(browser.Key);

        // A wrong key that starts with the revoked key's prefix, or another publishable key, learns nothing.
        var wrongRest = key.Summary.Prefix + ApiKeyMaterial.NewSecretKey()[8..];
        Assert.Equal(new SecretKeyAuthentication(SecretKeyAuthenticationOutcome.UnknownKey, null, null), await AuthenticateAsync(project, wrongRest));
        Assert.Equal(BrowserAuthenticationOutcome.UnknownKey, (await Api(project).AuthenticateBrowser(ApiKeyMaterial.NewPublishableKey(), Origin, null)).Outcome);

        // The key is gone from the list, but its directory entries still lead requests with it here.
        Assert.Empty((await project.GetSettings(Owner))!.ApiKeys);
        var owner = new KeyOwner(project.GetPrimaryKey(), key.Summary.Id);
        Assert.Equal(owner, await DirectoryOwnerAsync(KeyDirectoryKeys.ForSecretKeyPrefix(key.Summary.Prefix)));
        Assert.Equal(owner, await DirectoryOwnerAsync(KeyDirectoryKeys.ForPublishableKey(key.Summary.PublishableKey)));
    }

    [Fact]
    public async Task ATombstoneEndsNinetyDaysAfterTheRevocationAndTheKeysDirectoryEntriesAreFreeAgain()
    {
        var project = await NewProject();
        var key = await NewKey(project);
        Assert.True(await project.RevokeApiKey(Owner, key.Summary.Id));
        var secretEntry = KeyDirectoryKeys.ForSecretKeyPrefix(key.Summary.Prefix);
        var publishableEntry = KeyDirectoryKeys.ForPublishableKey(key.Summary.PublishableKey);

        cluster.Clock.Advance(TimeSpan.FromDays(90) - TimeSpan.FromMinutes(1));
        Assert.Equal(SecretKeyAuthenticationOutcome.Revoked, (await AuthenticateAsync(project, key.Key)).Outcome);
        Assert.NotNull(await DirectoryOwnerAsync(secretEntry));

        cluster.Clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(SecretKeyAuthenticationOutcome.UnknownKey, (await AuthenticateAsync(project, key.Key)).Outcome);
        Assert.Equal(BrowserAuthenticationOutcome.UnknownKey, (await Api(project).AuthenticateBrowser(key.Summary.PublishableKey, Origin, null)).Outcome);
        Assert.Null(await DirectoryOwnerAsync(secretEntry));
        Assert.Null(await DirectoryOwnerAsync(publishableEntry));
        var newcomer = new KeyOwner(Guid.NewGuid(), Guid.NewGuid());
        Assert.True(await cluster.Grains.GetGrain<IKeyDirectoryGrain>(secretEntry).Claim(newcomer));
        Assert.Equal(newcomer, await DirectoryOwnerAsync(secretEntry));

        // The next write stores the list without the ended tombstone.
        var next = await NewKey(project);
        Assert.True(await project.RevokeApiKey(Owner, next.Summary.Id));
        Assert.Equal([next.Summary.Prefix], (await StoredStateAsync(project)).Tombstones.Select(t => t.Prefix));
    }

    [Fact]
    public async Task AKeyThatHadExpiredWhenItWasRevokedIsRefusedAsExpiredOnItsExpiryTime()
    {
        var project = await NewProject();
        var key = await NewKey(project, KeyExpiry.In30Days);
        cluster.Clock.Advance(TimeSpan.FromDays(31));
        Assert.True(await project.RevokeApiKey(Owner, key.Summary.Id));

        Assert.Equal(new SecretKeyAuthentication(SecretKeyAuthenticationOutcome.Expired, null, key.Summary.ExpiresAt), await AuthenticateAsync(project, key.Key));
        var browser = await Api(project).AuthenticateBrowser(key.Summary.PublishableKey, Origin, null);
        Assert.Equal(BrowserAuthenticationOutcome.KeyExpired, browser.Outcome);
        Assert.Equal(key.Summary.ExpiresAt, browser.KeyExpiredAt);
    }

    [Fact]
    public async Task TheStoredTombstoneHoldsTheHashesOfTheKeyAndItsPublishableKeyButNeitherKey()
    {
        var project = await NewProject();
        var key = await NewKey(project);
        Assert.True(await project.RevokeApiKey(Owner, key.Summary.Id));

        var stored = await StoredStateAsync(project);
        var tombstone = Assert.Single(stored.Tombstones);
        Assert.Equal(ApiKeyMaterial.Hash(key.Key), tombstone.Hash);
        Assert.Equal(ApiKeyMaterial.Hash(key.Summary.PublishableKey), tombstone.PublishableKeyHash);
        Assert.Equal(key.Summary.Prefix, tombstone.Prefix);
        var json = JsonSerializer.Serialize(stored);
        Assert.DoesNotContain(key.Key, json, StringComparison.Ordinal);
        Assert.DoesNotContain(key.Summary.PublishableKey, json, StringComparison.Ordinal);
        Assert.DoesNotContain(key.Summary.PublishableKey[ApiKeyMaterial.PublishablePrefix.Length..], json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AProjectRemembersItsHundredLatestRevokedKeys()
    {
        var project = await NewProject();
        var keys = new List<RevealedApiKey>();
        for (var i = 0; i < KeyTombstones.MaxKept + 1; i++)
        {
            var key = new RevealedApiKey((await project.CreateApiKey(Owner, $"Key {i}")).Created!);
            Assert.True(await project.RevokeApiKey(Owner, key.Summary.Id));
            keys.Add(key);
        }

        Assert.Equal(SecretKeyAuthenticationOutcome.UnknownKey, (await AuthenticateAsync(project, keys[0].Key)).Outcome);
        Assert.Equal(SecretKeyAuthenticationOutcome.Revoked, (await AuthenticateAsync(project, keys[1].Key)).Outcome);
        Assert.Equal(SecretKeyAuthenticationOutcome.Revoked, (await AuthenticateAsync(project, keys[^1].Key)).Outcome);
        Assert.Equal(KeyTombstones.MaxKept, (await StoredStateAsync(project)).Tombstones.Count);
    }

    [Fact]
    public async Task AnExpiredKeyGetsOneActivityEntryByNoAccountTheFirstTimeTheGrainNoticesIt()
    {
        var requested = await NewProject();
        var used = await NewKey(requested, KeyExpiry.In30Days);
        var read = await NewProject();
        var listed = await NewKey(read, KeyExpiry.In30Days);
        var forever = await NewKey(read);
        cluster.Clock.Advance(TimeSpan.FromDays(30) + TimeSpan.FromMinutes(1));

        // Noticed by requests with the key: refused as expired each time, logged once.
        Assert.Equal(SecretKeyAuthenticationOutcome.Expired, (await AuthenticateAsync(requested, used.Key)).Outcome);
        Assert.Equal(SecretKeyAuthenticationOutcome.Expired, (await AuthenticateAsync(requested, used.Key)).Outcome);
        Assert.Equal(BrowserAuthenticationOutcome.KeyExpired, (await Api(requested).AuthenticateBrowser(used.Summary.PublishableKey, Origin, null)).Outcome);
        var entry = Assert.Single(cluster.ActivityLog.Of(requested.GetPrimaryKey()), e => e.Kind == ActivityKind.KeyExpired);
        Assert.Equal((used.Summary.Id, used.Summary.Prefix, "Production", used.Summary.ExpiresAt), (entry.KeyId, entry.KeyPrefix, entry.KeyName, (DateTimeOffset?)entry.At));
        Assert.Equal(string.Empty, entry.Actor);
        Assert.Null(entry.ClientAddress);

        // Noticed by settings reads, once however often the page is read; a key that never expires gets none.
        await read.GetSettings(Owner);
        await read.GetSettings(Owner);
        var listedEntry = Assert.Single(cluster.ActivityLog.Of(read.GetPrimaryKey()), e => e.Kind == ActivityKind.KeyExpired);
        Assert.Equal(listed.Summary.Id, listedEntry.KeyId);
        Assert.Equal([true, false], (await StoredStateAsync(read)).ApiKeys.OrderBy(k => k.Id == forever.Summary.Id).Select(k => k.ExpiryLogged));
    }
}
