using Mentiora.Grains;
using Mentiora.Grains.KeyDirectory;
using Mentiora.Grains.Keys;
using Mentiora.Grains.Projects;
using Mentiora.Grains.Secrets;
using Mentiora.Tests.Infrastructure;
using Mentiora.Web.Pages.Projects;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace Mentiora.Tests.Grains;

public sealed class ProjectGrainTests(GrainClusterFixture cluster) : IClassFixture<GrainClusterFixture>
{
    private const string Owner = "owner@example.com";

    private async Task<IProjectDashboardGrain> NewProject(Guid? id = null)
    {
        var project = cluster.Grains.GetGrain<IProjectDashboardGrain>(id ?? Guid.NewGuid());
        Assert.True(await project.Create(Owner, "Test project"));
        return project;
    }

    private IProjectApiGrain Api(IProjectDashboardGrain project) => cluster.Grains.GetGrain<IProjectApiGrain>(project.GetPrimaryKey());

    private static async Task<IReadOnlyList<ApiKeySummary>> Keys(IProjectDashboardGrain project) => (await project.GetSettings(Owner))!.ApiKeys;

    [Fact]
    public async Task CreatedKeyIsShownOnceAndListedOnlyByItsPrefix()
    {
        var project = await NewProject();

        var result = await project.CreateApiKey(Owner, "  Production  ");

        Assert.Equal(CreateApiKeyOutcome.Created, result.Outcome);
        var created = result.Created!;
        Assert.Equal(43, created.Key.Reveal().Length);
        Assert.Equal("Production", created.Summary.Name);
        Assert.Equal(created.Key.Reveal()[..8], created.Summary.Prefix);
        Assert.StartsWith("pk_live_", created.Summary.PublishableKey);
        Assert.Null(created.Summary.LastUsedAt);

        var listed = Assert.Single(await Keys(project));
        Assert.Equal(created.Summary.Id, listed.Id);
        Assert.Equal(created.Key.Reveal()[..8], listed.Prefix);
        Assert.Equal("Production", listed.Name);
        Assert.DoesNotContain(created.Key.Reveal(), listed.ToString());
        Assert.DoesNotContain(created.SigningSecret.Reveal(), listed.ToString());

        // The test cluster's call filter put both into the run's ledger, so later scans look for them.
        Assert.Equal(2, IssuedSecrets.Current().FindIn($"{created.Key.Reveal()} {created.SigningSecret.Reveal()}").Count);

        // The answer as Orleans prints it into a late-response or failure message shows neither.
        Assert.Empty(IssuedSecrets.Current().FindIn(result.ToString()));
        Assert.Contains($"Key = {SecretText.Redacted}", result.ToString());
    }

    [Fact]
    public async Task ACreateFormSentAgainCreatesNothingAlsoAfterTheGrainIsReadBackFromStorage()
    {
        var project = await NewProject();
        var token = OneTimeForms.NewToken();

        Assert.Equal(CreateApiKeyOutcome.Created, (await project.CreateApiKey(Owner, "Production", token)).Outcome);
        var again = await project.CreateApiKey(Owner, "Production", token);
        await project.AsReference<Orleans.Core.Internal.IGrainManagementExtension>().DeactivateOnIdle();
        await Task.Delay(200);
        var afterReactivation = await project.CreateApiKey(Owner, "Production", token);

        Assert.Equal(CreateApiKeyOutcome.AlreadyCreated, again.Outcome);
        Assert.Null(again.Created);
        Assert.Equal(CreateApiKeyOutcome.AlreadyCreated, afterReactivation.Outcome);
        Assert.Single(await Keys(project));
        Assert.Equal(CreateApiKeyOutcome.Created, (await project.CreateApiKey(Owner, "Staging", OneTimeForms.NewToken())).Outcome);
        Assert.Equal(2, (await Keys(project)).Count);
    }

    [Fact]
    public void UsedFormTokensAreForgottenAfterADayAndBeyondTheBound()
    {
        var used = new List<UsedFormToken>();
        var start = DateTimeOffset.UtcNow;
        var first = OneTimeForms.NewToken();
        OneTimeForms.Remember(used, first, start);
        for (var i = 1; i < OneTimeForms.MaxRemembered; i++)
        {
            OneTimeForms.Remember(used, OneTimeForms.NewToken(), start.AddMinutes(i));
        }

        Assert.True(OneTimeForms.WasUsed(used, first));
        OneTimeForms.Remember(used, OneTimeForms.NewToken(), start.AddMinutes(OneTimeForms.MaxRemembered));
        Assert.Equal(OneTimeForms.MaxRemembered, used.Count);
        Assert.False(OneTimeForms.WasUsed(used, first));

        OneTimeForms.Remember(used, OneTimeForms.NewToken(), start + OneTimeForms.Remembered + TimeSpan.FromHours(2));
        Assert.Single(used);
    }

    [Fact]
    public async Task AKeyIsDescribedToItsHolderWithItsProjectAndTimesUntilItIsRevoked()
    {
        var project = await NewProject();
        var created = (await project.CreateApiKey(Owner, "Production")).Created!;
        var unused = await Api(project).Describe(created.Summary.Id);
        var authenticated = (await Api(project).Authenticate(created.Summary.Prefix, ApiKeyMaterial.Hash(created.Key.Reveal()))).Key;

        var used = await Api(project).Describe(created.Summary.Id);
        Assert.True(await project.RevokeApiKey(Owner, created.Summary.Id));
        var revoked = await Api(project).Describe(created.Summary.Id);

        Assert.NotNull(authenticated);
        Assert.Equal(new ApiKeyDescription(project.GetPrimaryKey(), "Test project", "Production", created.Summary.Prefix, created.Summary.CreatedAt, null), unused);
        Assert.NotNull(used!.LastUsedAt);
        Assert.DoesNotContain(created.Key.Reveal(), used.ToString());
        Assert.Null(revoked);
    }

    [Fact]
    public async Task KeyNamesAreOptionalAndLimitedTo100Characters()
    {
        var project = await NewProject();

        var unnamed = await project.CreateApiKey(Owner, null);
        var tooLong = await project.CreateApiKey(Owner, new string('x', 101));
        var longest = await project.CreateApiKey(Owner, new string('x', 100));

        Assert.Equal(string.Empty, unnamed.Created!.Summary.Name);
        Assert.Equal(CreateApiKeyOutcome.NameTooLong, tooLong.Outcome);
        Assert.Null(tooLong.Created);
        Assert.Equal(CreateApiKeyOutcome.Created, longest.Outcome);
        Assert.Equal(2, (await Keys(project)).Count);
    }

    [Fact]
    public async Task TwentyConcurrentCreatesGiveExactlyFiveKeys()
    {
        var project = await NewProject();

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => project.CreateApiKey(Owner, $"key {i}")));

        Assert.Equal(5, results.Count(r => r.Outcome == CreateApiKeyOutcome.Created));
        Assert.Equal(15, results.Count(r => r.Outcome == CreateApiKeyOutcome.LimitReached));
        Assert.Equal(5, (await Keys(project)).Count);
    }

    [Fact]
    public async Task AfterARevokeASlotIsFreeAgain()
    {
        var project = await NewProject();
        var keys = new List<CreatedApiKey>();
        for (var i = 0; i < ProjectGrain.MaxApiKeys; i++)
        {
            keys.Add((await project.CreateApiKey(Owner, null)).Created!);
        }

        Assert.Equal(CreateApiKeyOutcome.LimitReached, (await project.CreateApiKey(Owner, "sixth")).Outcome);
        Assert.True(await project.RevokeApiKey(Owner, keys[0].Summary.Id));
        Assert.Equal(CreateApiKeyOutcome.Created, (await project.CreateApiKey(Owner, "sixth")).Outcome);
    }

    [Fact]
    public async Task RenameTrimsTheNameAndAllowsEmpty()
    {
        var project = await NewProject();
        var created = (await project.CreateApiKey(Owner, "Staging")).Created!;

        Assert.Equal(RenameApiKeyOutcome.Renamed, await project.RenameApiKey(Owner, created.Summary.Id, "  CI/CD "));
        Assert.Equal("CI/CD", (await Keys(project))[0].Name);

        Assert.Equal(RenameApiKeyOutcome.Renamed, await project.RenameApiKey(Owner, created.Summary.Id, "   "));
        Assert.Equal(string.Empty, (await Keys(project))[0].Name);

        Assert.Equal(RenameApiKeyOutcome.NameTooLong, await project.RenameApiKey(Owner, created.Summary.Id, new string('n', 101)));
        Assert.Equal(RenameApiKeyOutcome.NotFound, await project.RenameApiKey(Owner, Guid.NewGuid(), "x"));
    }

    [Fact]
    public async Task TheRightKeyAuthenticatesAndIsMarkedUsed()
    {
        var projectId = Guid.NewGuid();
        var project = await NewProject(projectId);
        var created = (await project.CreateApiKey(Owner, "Production")).Created!;
        var before = DateTimeOffset.UtcNow;

        var owner = await cluster.Grains.GetGrain<IKeyDirectoryGrain>(KeyDirectoryKeys.ForSecretKeyPrefix(created.Summary.Prefix)).GetOwner();
        var authenticated = (await Api(project).Authenticate(created.Summary.Prefix, ApiKeyMaterial.Hash(created.Key.Reveal()))).Key;

        Assert.Equal(new KeyOwner(projectId, created.Summary.Id), owner);
        Assert.Equal(new AuthenticatedApiKey(projectId, created.Summary.Id, created.Summary.Prefix), authenticated);
        var lastUsed = (await Keys(project))[0].LastUsedAt;
        Assert.NotNull(lastUsed);
        Assert.InRange(lastUsed.Value, before.AddSeconds(-1), DateTimeOffset.UtcNow.AddSeconds(1));
    }

    [Fact]
    public async Task AKeyWithTheRightPrefixButWrongRestIsRefused()
    {
        var project = await NewProject();
        var created = (await project.CreateApiKey(Owner, null)).Created!;
        var forged = created.Summary.Prefix + ApiKeyMaterial.NewSecretKey()[8..];

        Assert.Null((await Api(project).Authenticate(created.Summary.Prefix, ApiKeyMaterial.Hash(forged))).Key);
        Assert.Null((await Keys(project))[0].LastUsedAt);
    }

    [Fact]
    public async Task RevokedKeyNoLongerAuthenticatesAndItsDirectoryEntriesLeadToItsTombstone()
    {
        var project = await NewProject();
        var created = (await project.CreateApiKey(Owner, null)).Created!;

        Assert.True(await project.RevokeApiKey(Owner, created.Summary.Id));

        Assert.Null((await Api(project).Authenticate(created.Summary.Prefix, ApiKeyMaterial.Hash(created.Key.Reveal()))).Key);
        Assert.Empty(await Keys(project));
        // Kept for the key's tombstone, so its holder is told it was revoked; freed 90 days later (KeyTombstoneGrainTests).
        var owner = new KeyOwner(project.GetPrimaryKey(), created.Summary.Id);
        Assert.Equal(owner, await cluster.Grains.GetGrain<IKeyDirectoryGrain>(KeyDirectoryKeys.ForSecretKeyPrefix(created.Summary.Prefix)).GetOwner());
        Assert.Equal(owner, await cluster.Grains.GetGrain<IKeyDirectoryGrain>(KeyDirectoryKeys.ForPublishableKey(created.Summary.PublishableKey)).GetOwner());
        Assert.False(await project.RevokeApiKey(Owner, created.Summary.Id));
    }

    [Fact]
    public async Task APublishableKeyResolvesToItsProjectAndKey()
    {
        var projectId = Guid.NewGuid();
        var created = (await (await NewProject(projectId)).CreateApiKey(Owner, null)).Created!;

        var owner = await cluster.Grains.GetGrain<IKeyDirectoryGrain>(KeyDirectoryKeys.ForPublishableKey(created.Summary.PublishableKey)).GetOwner();

        Assert.Equal(new KeyOwner(projectId, created.Summary.Id), owner);
    }

    [Fact]
    public async Task ADirectoryEntryHeldByOneKeyCannotBeClaimedByAnother()
    {
        var prefix = ApiKeyMaterial.PrefixOf(ApiKeyMaterial.NewSecretKey());
        var entry = cluster.Grains.GetGrain<IKeyDirectoryGrain>(KeyDirectoryKeys.ForSecretKeyPrefix(prefix));
        var first = new KeyOwner(Guid.NewGuid(), Guid.NewGuid());
        var second = new KeyOwner(Guid.NewGuid(), Guid.NewGuid());

        Assert.True(await entry.Claim(first));
        Assert.False(await entry.Claim(second));
        await entry.Release(second);
        Assert.Equal(first, await entry.GetOwner());
        await entry.Release(first);
        Assert.True(await entry.Claim(second));
    }

    [Fact]
    public async Task DirectoryEntriesStoredBeforeTheUpgradeStillResolveToTheirKey()
    {
        var owner = new KeyOwner(Guid.NewGuid(), Guid.NewGuid());
        var prefix = ApiKeyMaterial.PrefixOf(ApiKeyMaterial.NewSecretKey());
        var publishableKey = ApiKeyMaterial.NewPublishableKey();
        await WriteLegacyEntry("prefix", GrainId.Create("apikeyprefix", prefix), owner);
        await WriteLegacyEntry("publishable", GrainId.Create("publishablekey", publishableKey), owner);

        Assert.Equal(owner, await cluster.Grains.GetGrain<IKeyDirectoryGrain>(KeyDirectoryKeys.ForSecretKeyPrefix(prefix)).GetOwner());
        Assert.Equal(owner, await cluster.Grains.GetGrain<IKeyDirectoryGrain>(KeyDirectoryKeys.ForPublishableKey(publishableKey)).GetOwner());
    }

    [Fact]
    public async Task ATakenOverEntryStaysFreeOnceReleased()
    {
        var owner = new KeyOwner(Guid.NewGuid(), Guid.NewGuid());
        var prefix = ApiKeyMaterial.PrefixOf(ApiKeyMaterial.NewSecretKey());
        await WriteLegacyEntry("prefix", GrainId.Create("apikeyprefix", prefix), owner);
        var entry = cluster.Grains.GetGrain<IKeyDirectoryGrain>(KeyDirectoryKeys.ForSecretKeyPrefix(prefix));
        Assert.Equal(owner, await entry.GetOwner());

        // Release deactivates the entry, so the next call activates it again from storage.
        await entry.Release(owner);

        Assert.Null(await entry.GetOwner());
        Assert.True(await entry.Claim(new KeyOwner(Guid.NewGuid(), Guid.NewGuid())));
    }

    private async Task WriteLegacyEntry(string stateName, GrainId legacyId, KeyOwner owner)
    {
        var storage = cluster.SiloServices.GetRequiredKeyedService<IGrainStorage>(StorageNames.Grains);
        await storage.WriteStateAsync(stateName, legacyId, new GrainState<KeyDirectoryState>(new KeyDirectoryState { Owner = owner }));
    }

    [Fact]
    public async Task AKeyAllowsAtMostTwentyDistinctNormalisedOrigins()
    {
        var project = await NewProject();
        var key = (await project.CreateApiKey(Owner, null)).Created!;

        var first = await project.AddAllowedOrigin(Owner, key.Summary.Id, " HTTPS://App.Example.COM:443 ");
        var again = await project.AddAllowedOrigin(Owner, key.Summary.Id, "https://app.example.com");
        var invalid = await project.AddAllowedOrigin(Owner, key.Summary.Id, "*");
        for (var i = 1; i < ProjectGrain.MaxAllowedOrigins; i++)
        {
            Assert.Equal(OriginChangeOutcome.Done, (await project.AddAllowedOrigin(Owner, key.Summary.Id, $"https://site{i}.example.com")).Outcome);
        }

        var tooMany = await project.AddAllowedOrigin(Owner, key.Summary.Id, "https://one-more.example.com");

        Assert.Equal(new OriginChange(OriginChangeOutcome.Done, "https://app.example.com", null), first);
        Assert.Equal(OriginChangeOutcome.Unchanged, again.Outcome);
        Assert.Equal(OriginChangeOutcome.Invalid, invalid.Outcome);
        Assert.False(string.IsNullOrWhiteSpace(OriginMessages.ErrorFor(invalid, added: true)));
        Assert.Equal(OriginChangeOutcome.TooMany, tooMany.Outcome);
        Assert.Equal(ProjectGrain.MaxAllowedOrigins, (await Keys(project))[0].AllowedOrigins.Count);
        Assert.Equal(OriginChangeOutcome.Done, (await project.RemoveAllowedOrigin(Owner, key.Summary.Id, "https://app.example.com")).Outcome);
        Assert.Equal(OriginChangeOutcome.Unchanged, (await project.RemoveAllowedOrigin(Owner, key.Summary.Id, "https://app.example.com")).Outcome);
        Assert.Equal(OriginChangeOutcome.NotFound, (await project.AddAllowedOrigin("stranger@example.com", key.Summary.Id, "https://x.example.com")).Outcome);
    }

    [Fact]
    public async Task BrowserAuthenticationChecksOriginThenTokenAndMarksTheKeyUsed()
    {
        var project = await NewProject();
        var key = (await project.CreateApiKey(Owner, null)).Created!;
        await project.AddAllowedOrigin(Owner, key.Summary.Id, "https://app.example.com");
        var pk = key.Summary.PublishableKey;
        var signingKey = IdentityTokens.SigningKey(key.SigningSecret.Reveal());
        var token = IdentityTokens.Mint(new EndUser("u-1", null, null), signingKey, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5));
        var expired = IdentityTokens.Mint(new EndUser("u-1", null, null), signingKey, DateTimeOffset.UtcNow.AddHours(-2), TimeSpan.FromMinutes(5));

        Assert.Equal(BrowserAuthenticationOutcome.UnknownKey, (await Api(project).AuthenticateBrowser(ApiKeyMaterial.NewPublishableKey(), "https://app.example.com", null)).Outcome);
        Assert.Equal(BrowserAuthenticationOutcome.OriginNotAllowed, (await Api(project).AuthenticateBrowser(pk, "https://evil.example.com", new SecretText(token))).Outcome);
        Assert.Equal(BrowserAuthenticationOutcome.IdentityTokenExpired, (await Api(project).AuthenticateBrowser(pk, "https://app.example.com", new SecretText(expired))).Outcome);
        Assert.Equal(BrowserAuthenticationOutcome.IdentityTokenInvalid, (await Api(project).AuthenticateBrowser(pk, "https://app.example.com", new SecretText(token + "x"))).Outcome);
        Assert.Null((await Keys(project))[0].LastUsedAt);

        var ok = await Api(project).AuthenticateBrowser(pk, "https://app.example.com", new SecretText(token));

        Assert.Equal(BrowserAuthenticationOutcome.Authenticated, ok.Outcome);
        Assert.Equal(new EndUser("u-1", null, null), ok.User);
        Assert.Equal(key.Summary.Id, ok.Key!.KeyId);
        Assert.NotNull((await Keys(project))[0].LastUsedAt);
    }

    [Fact]
    public async Task MintedTokensAreSignedWithTheKeysOwnSecret()
    {
        var project = await NewProject();
        var key = (await project.CreateApiKey(Owner, null)).Created!;
        var other = (await project.CreateApiKey(Owner, null)).Created!;

        var minted = await Api(project).MintIdentityToken(key.Summary.Id, new EndUser("u-7", "Grace", null), TimeSpan.FromMinutes(10));

        Assert.NotNull(minted);
        Assert.InRange(minted.ExpiresAt, DateTimeOffset.UtcNow.AddMinutes(9), DateTimeOffset.UtcNow.AddMinutes(11));
        Assert.True(IdentityTokens.Verify(minted.Token.Reveal(), IdentityTokens.SigningKey(key.SigningSecret.Reveal()), DateTimeOffset.UtcNow).IsValid);
        Assert.False(IdentityTokens.Verify(minted.Token.Reveal(), IdentityTokens.SigningKey(other.SigningSecret.Reveal()), DateTimeOffset.UtcNow).IsValid);
        await project.RevokeApiKey(Owner, key.Summary.Id);
        Assert.Null(await Api(project).MintIdentityToken(key.Summary.Id, new EndUser("u-7", null, null), TimeSpan.FromMinutes(10)));
    }
}
