using Mentiora.Grains.Activity;
using Mentiora.Grains.KeyDirectory;
using Mentiora.Grains.Keys;
using Mentiora.Grains.Projects;
using Mentiora.Grains.Secrets;
using Mentiora.Tests.Infrastructure;
using Orleans.Core.Internal;

namespace Mentiora.Tests.Grains;

/// <summary>Rolling a key: a new key takes its place, the old one works until the grace ends (decided at request time), then says it was replaced. This class moves its cluster's clock.</summary>
public sealed class KeyRollGrainTests(GrainClusterFixture cluster) : IClassFixture<GrainClusterFixture>
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

    private Task<SecretKeyAuthentication> Authenticate(IProjectDashboardGrain project, string key) =>
        Api(project).Authenticate(ApiKeyMaterial.PrefixOf(key), ApiKeyMaterial.Hash(key));

    private async Task<ApiKeySummary> Listed(IProjectDashboardGrain project, Guid keyId) =>
        (await project.GetSettings(Owner))!.ApiKeys.Single(k => k.Id == keyId);

    private Task<KeyOwner?> DirectoryOwner(string prefix) =>
        cluster.Grains.GetGrain<IKeyDirectoryGrain>(KeyDirectoryKeys.ForSecretKeyPrefix(prefix)).GetOwner();

    [Fact]
    public async Task ARollAtTheLimitOfFiveKeepsEverythingButTheSecretAndTheOldKeyWorksUntilItsMomentThenIsRefusedWithTheRollDate()
    {
        var project = await NewProject();
        var old = new RevealedApiKey((await project.CreateApiKey(Owner, "Production", null, KeyExpiry.In30Days)).Created!);
        Assert.Equal(OriginChangeOutcome.Done, (await project.AddAllowedOrigin(Owner, old.Summary.Id, Origin)).Outcome);
        Assert.Equal(OriginChangeOutcome.Done, await project.SetRequireIdentityToken(Owner, old.Summary.Id, true));
        for (var i = 1; i < ProjectGrain.MaxApiKeys; i++)
        {
            Assert.Equal(CreateApiKeyOutcome.Created, (await project.CreateApiKey(Owner, $"Key {i}")).Outcome);
        }

        cluster.Clock.Advance(TimeSpan.FromDays(10));
        var token = (await Api(project).MintIdentityToken(old.Summary.Id, new EndUser("u-1", null, null), TimeSpan.FromMinutes(30)))!.Token;

        var before = cluster.Clock.GetUtcNow();
        var result = await project.RollApiKey(Owner, old.Summary.Id, RollGrace.In1Hour);

        Assert.Equal(RollApiKeyOutcome.Rolled, result.Outcome);
        Assert.False(result.EndedEarlierPredecessor);
        Assert.Contains(SecretText.Redacted, result.ToString());
        var newKey = result.NewKey!.Reveal();
        Assert.NotEqual(old.Key, newKey);
        var settings = (await project.GetSettings(Owner))!;
        // It takes the old key's place: still five keys, the same row first, and the limit still holds.
        Assert.Equal(ProjectGrain.MaxApiKeys, settings.ApiKeys.Count);
        var listed = settings.ApiKeys[0];
        Assert.Equal(old.Summary.Id, listed.Id);
        Assert.Equal("Production", listed.Name);
        Assert.Equal(ApiKeyMaterial.PrefixOf(newKey), listed.Prefix);
        Assert.Equal(old.Summary.PublishableKey, listed.PublishableKey);
        Assert.Equal([Origin], listed.AllowedOrigins);
        var rolledAt = listed.CreatedAt;
        Assert.InRange(rolledAt, before, cluster.Clock.GetUtcNow());
        Assert.Equal(rolledAt.AddDays(30), listed.ExpiresAt);
        Assert.Equal(new PredecessorSummary(listed.Predecessor!.Id, old.Summary.Prefix, old.Summary.CreatedAt, null, rolledAt, rolledAt.AddHours(1)), listed.Predecessor);
        Assert.Equal(CreateApiKeyOutcome.LimitReached, (await project.CreateApiKey(Owner, "Sixth")).Outcome);
        Assert.True((await project.GetKeyOrigins(Owner, old.Summary.Id))!.RequireIdentityToken);
        // The signing secret is the same: a token signed before the roll still verifies.
        Assert.Equal(BrowserAuthenticationOutcome.Authenticated, (await Api(project).AuthenticateBrowser(old.Summary.PublishableKey, Origin, token)).Outcome);

        cluster.Clock.Advance(TimeSpan.FromMinutes(59));
        var oldInGrace = await Authenticate(project, old.Key);
        var newInGrace = await Authenticate(project, newKey);
        Assert.Equal(SecretKeyAuthenticationOutcome.Authenticated, oldInGrace.Outcome);
        // Its use counts under the key that replaced it; its own row shows when it was last used.
        Assert.Equal(old.Summary.Id, oldInGrace.Key!.KeyId);
        Assert.Equal(SecretKeyAuthenticationOutcome.Authenticated, newInGrace.Outcome);
        Assert.InRange((await Listed(project, old.Summary.Id)).Predecessor!.LastUsedAt!.Value, rolledAt.AddMinutes(59), cluster.Clock.GetUtcNow());

        cluster.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(new SecretKeyAuthentication(SecretKeyAuthenticationOutcome.Replaced, null, null, ReplacedAt: rolledAt), await Authenticate(project, old.Key));
        Assert.Equal(SecretKeyAuthenticationOutcome.Authenticated, (await Authenticate(project, newKey)).Outcome);
        // Only the holder of the whole old key learns that it was replaced.
        var guess = old.Summary.Prefix + ApiKeyMaterial.NewSecretKey()[ApiKeyMaterial.PrefixLength..];
        Assert.Equal(SecretKeyAuthenticationOutcome.UnknownKey, (await Authenticate(project, guess)).Outcome);
        // After the moment the old key is gone from the list, but its directory entry still leads to the refusal.
        Assert.Null((await Listed(project, old.Summary.Id)).Predecessor);
        Assert.Equal(new KeyOwner(project.GetPrimaryKey(), old.Summary.Id), await DirectoryOwner(old.Summary.Prefix));
    }

    [Fact]
    public async Task RollingWithNowEndsTheOldKeyAtOnceAndANeverExpiringKeyStaysNeverExpiring()
    {
        var project = await NewProject();
        var old = new RevealedApiKey((await project.CreateApiKey(Owner, "Production")).Created!);

        var result = await project.RollApiKey(Owner, old.Summary.Id, RollGrace.Now);

        Assert.Equal(RollApiKeyOutcome.Rolled, result.Outcome);
        Assert.Null(result.Summary!.ExpiresAt);
        Assert.Null(result.Summary.Predecessor);
        Assert.Equal(SecretKeyAuthenticationOutcome.Replaced, (await Authenticate(project, old.Key)).Outcome);
        Assert.Equal(SecretKeyAuthenticationOutcome.Authenticated, (await Authenticate(project, result.NewKey!.Reveal())).Outcome);
        var entry = cluster.ActivityLog.Of(project.GetPrimaryKey()).Single(e => e.Kind == ActivityKind.KeyRolled);
        Assert.Equal((nameof(RollGrace.Now), old.Summary.Prefix, Owner), (entry.Details, entry.KeyPrefix, entry.Actor));
    }

    [Fact]
    public async Task RollingAgainEndsTheOlderPredecessorNowAndItsHolderIsToldItWasReplaced()
    {
        var project = await NewProject();
        var first = new RevealedApiKey((await project.CreateApiKey(Owner, "Production")).Created!);
        var beforeFirstRoll = cluster.Clock.GetUtcNow();
        var second = await project.RollApiKey(Owner, first.Summary.Id, RollGrace.In7Days);
        var afterFirstRoll = cluster.Clock.GetUtcNow();
        var secondKey = second.NewKey!.Reveal();
        cluster.Clock.Advance(TimeSpan.FromHours(2));

        var third = await project.RollApiKey(Owner, first.Summary.Id, RollGrace.In24Hours);

        Assert.True(third.EndedEarlierPredecessor);
        // At most one predecessor: the first key stops at once; its tombstone still tells its holder when it was replaced.
        var firstKeyAnswer = await Authenticate(project, first.Key);
        Assert.Equal(SecretKeyAuthenticationOutcome.Replaced, firstKeyAnswer.Outcome);
        Assert.InRange(firstKeyAnswer.ReplacedAt!.Value, beforeFirstRoll, afterFirstRoll);
        Assert.Equal(first.Summary.Id, (await DirectoryOwner(first.Summary.Prefix))?.KeyId);
        Assert.Equal(SecretKeyAuthenticationOutcome.Authenticated, (await Authenticate(project, secondKey)).Outcome);
        Assert.Equal(ApiKeyMaterial.PrefixOf(secondKey), third.Summary!.Predecessor!.Prefix);
        Assert.Equal(SecretKeyAuthenticationOutcome.Authenticated, (await Authenticate(project, third.NewKey!.Reveal())).Outcome);
        Assert.Single((await project.GetSettings(Owner))!.ApiKeys);
    }

    [Fact]
    public async Task ARollFormSentAgainRollsNothingAlsoAfterTheGrainIsReadBackFromStorage()
    {
        var project = await NewProject();
        var created = new RevealedApiKey((await project.CreateApiKey(Owner, "Production")).Created!);
        var token = OneTimeForms.NewToken();

        var rolled = await project.RollApiKey(Owner, created.Summary.Id, RollGrace.In1Hour, token);
        var again = await project.RollApiKey(Owner, created.Summary.Id, RollGrace.In1Hour, token);
        await project.AsReference<IGrainManagementExtension>().DeactivateOnIdle();
        await Task.Delay(200);
        var afterReactivation = await project.RollApiKey(Owner, created.Summary.Id, RollGrace.Now, token);

        Assert.Equal(RollApiKeyOutcome.Rolled, rolled.Outcome);
        Assert.Equal(new RollApiKeyResult(RollApiKeyOutcome.AlreadyRolled, null, null, false), again);
        Assert.Equal(RollApiKeyOutcome.AlreadyRolled, afterReactivation.Outcome);
        var listed = await Listed(project, created.Summary.Id);
        Assert.Equal(rolled.Summary!.Prefix, listed.Prefix);
        Assert.Equal(created.Summary.Prefix, listed.Predecessor!.Prefix);
        Assert.Equal(SecretKeyAuthenticationOutcome.Authenticated, (await Authenticate(project, created.Key)).Outcome);
    }

    [Fact]
    public async Task RevokingARolledKeyRevokesItsOldKeyTooAndBothHoldersAreToldUntilTheEntriesFreeThemselves()
    {
        var project = await NewProject();
        var created = new RevealedApiKey((await project.CreateApiKey(Owner, "Production")).Created!);
        var rolled = await project.RollApiKey(Owner, created.Summary.Id, RollGrace.In7Days);

        Assert.True(await project.RevokeApiKey(Owner, created.Summary.Id));

        Assert.Equal(SecretKeyAuthenticationOutcome.Revoked, (await Authenticate(project, created.Key)).Outcome);
        Assert.Equal(SecretKeyAuthenticationOutcome.Revoked, (await Authenticate(project, rolled.NewKey!.Reveal())).Outcome);
        Assert.Empty((await project.GetSettings(Owner))!.ApiKeys);
        Assert.NotNull(await DirectoryOwner(created.Summary.Prefix));

        cluster.Clock.Advance(KeyTombstones.Kept);
        Assert.Null(await DirectoryOwner(created.Summary.Prefix));
        Assert.Null(await DirectoryOwner(rolled.Summary!.Prefix));
        Assert.Null(await cluster.Grains.GetGrain<IKeyDirectoryGrain>(KeyDirectoryKeys.ForPublishableKey(created.Summary.PublishableKey)).GetOwner());
    }

    [Fact]
    public async Task RevokingTheOldKeysRowAloneEndsItsGraceNowAndKeepsTheNewKey()
    {
        var project = await NewProject();
        var created = new RevealedApiKey((await project.CreateApiKey(Owner, "Production")).Created!);
        var rolled = await project.RollApiKey(Owner, created.Summary.Id, RollGrace.In24Hours);
        var oldRow = rolled.Summary!.Predecessor!.Id;

        Assert.True(await project.RevokeApiKey(Owner, oldRow));

        Assert.Equal(SecretKeyAuthenticationOutcome.Replaced, (await Authenticate(project, created.Key)).Outcome);
        Assert.Equal(SecretKeyAuthenticationOutcome.Authenticated, (await Authenticate(project, rolled.NewKey!.Reveal())).Outcome);
        Assert.Null((await Listed(project, created.Summary.Id)).Predecessor);
        Assert.False(await project.RevokeApiKey(Owner, oldRow));
        var revoked = cluster.ActivityLog.Of(project.GetPrimaryKey()).Single(e => e.Kind == ActivityKind.KeyRevoked);
        Assert.Equal(created.Summary.Prefix, revoked.KeyPrefix);
    }

    [Fact]
    public async Task AnEndedOldKeyIsForgottenNinetyDaysLaterAndItsDirectoryEntryFreed()
    {
        var project = await NewProject();
        var created = new RevealedApiKey((await project.CreateApiKey(Owner, "Production")).Created!);
        Assert.Equal(RollApiKeyOutcome.Rolled, (await project.RollApiKey(Owner, created.Summary.Id, RollGrace.Now)).Outcome);

        cluster.Clock.Advance(ProjectGrain.PredecessorKeptFor - TimeSpan.FromMinutes(1));
        await project.AsReference<IGrainManagementExtension>().DeactivateOnIdle();
        await Task.Delay(200);
        Assert.Equal(SecretKeyAuthenticationOutcome.Replaced, (await Authenticate(project, created.Key)).Outcome);

        cluster.Clock.Advance(TimeSpan.FromMinutes(1));
        await project.AsReference<IGrainManagementExtension>().DeactivateOnIdle();
        await Task.Delay(200);
        Assert.Equal(SecretKeyAuthenticationOutcome.UnknownKey, (await Authenticate(project, created.Key)).Outcome);
        Assert.Null(await DirectoryOwner(created.Summary.Prefix));
    }

    [Fact]
    public async Task AnExpiredKeyOrSomeoneElsesKeyIsNotRolled()
    {
        var project = await NewProject();
        var expiring = (await project.CreateApiKey(Owner, "Old", null, KeyExpiry.In30Days)).Created!.Summary;
        var other = (await project.CreateApiKey(Owner, "Other")).Created!.Summary;
        cluster.Clock.Advance(TimeSpan.FromDays(31));

        Assert.Equal(RollApiKeyOutcome.KeyExpired, (await project.RollApiKey(Owner, expiring.Id, RollGrace.Now)).Outcome);
        Assert.Equal(RollApiKeyOutcome.NotFound, (await project.RollApiKey("stranger@example.com", other.Id, RollGrace.Now)).Outcome);
        Assert.Equal(RollApiKeyOutcome.NotFound, (await project.RollApiKey(Owner, Guid.NewGuid(), RollGrace.Now)).Outcome);
        Assert.Equal(other.Prefix, (await Listed(project, other.Id)).Prefix);
    }
}
