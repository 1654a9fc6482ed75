using Mentiora.Grains.Keys;
using Mentiora.Grains.Projects;
using Mentiora.Tests.Infrastructure;

namespace Mentiora.Tests.Grains;

/// <summary>Keys that expire, decided by the project grain from its clock at each request; this class moves its cluster's clock.</summary>
public sealed class KeyExpiryGrainTests(GrainClusterFixture cluster) : IClassFixture<GrainClusterFixture>
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

    [Fact]
    public async Task AKeyCreatedToExpireIn30DaysWorksOnDay29AndIsRefusedAsExpiredAfterwardsUntilRevoked()
    {
        var project = await NewProject();
        var key = new RevealedApiKey((await project.CreateApiKey(Owner, "Production", null, KeyExpiry.In30Days)).Created!);
        var never = new RevealedApiKey((await project.CreateApiKey(Owner, "Forever")).Created!);
        Assert.Equal(OriginChangeOutcome.Done, (await project.AddAllowedOrigin(Owner, key.Summary.Id, Origin)).Outcome);
        var expiresAt = key.Summary.CreatedAt.AddDays(30);
        Assert.Equal(expiresAt, key.Summary.ExpiresAt);
        Assert.Null(never.Summary.ExpiresAt);
        Assert.Equal(expiresAt, (await Api(project).Describe(key.Summary.Id))!.ExpiresAt);

        cluster.Clock.Advance(TimeSpan.FromDays(29));
        var onDay29 = await Api(project).Authenticate(key.Summary.Prefix, ApiKeyMaterial.Hash(key.Key));
        var browserOnDay29 = await Api(project).AuthenticateBrowser(key.Summary.PublishableKey, Origin, null);

        cluster.Clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromSeconds(1));
        var afterwards = await Api(project).Authenticate(key.Summary.Prefix, ApiKeyMaterial.Hash(key.Key));
        var browserAfterwards = await Api(project).AuthenticateBrowser(key.Summary.PublishableKey, Origin, null);
        var neverAfterwards = await Api(project).Authenticate(never.Summary.Prefix, ApiKeyMaterial.Hash(never.Key));
        var wrongRest = await Api(project).Authenticate(key.Summary.Prefix, ApiKeyMaterial.Hash(key.Summary.Prefix + ApiKeyMaterial.NewSecretKey()[8..]));

        Assert.Equal(SecretKeyAuthenticationOutcome.Authenticated, onDay29.Outcome);
        Assert.Equal(key.Summary.Id, onDay29.Key!.KeyId);
        Assert.Equal(BrowserAuthenticationOutcome.Authenticated, browserOnDay29.Outcome);

        Assert.Equal(new SecretKeyAuthentication(SecretKeyAuthenticationOutcome.Expired, null, expiresAt), afterwards);
        Assert.Equal(BrowserAuthenticationOutcome.KeyExpired, browserAfterwards.Outcome);
        Assert.Null(browserAfterwards.Key);
        Assert.Equal(expiresAt, browserAfterwards.KeyExpiredAt);
        Assert.Equal(SecretKeyAuthenticationOutcome.Authenticated, neverAfterwards.Outcome);
        // Only the holder of the whole key learns that it expired.
        Assert.Equal(SecretKeyAuthenticationOutcome.UnknownKey, wrongRest.Outcome);

        // The row stays, so the team sees what happened, until someone revokes it.
        var listed = (await project.GetSettings(Owner))!.ApiKeys.Single(k => k.Id == key.Summary.Id);
        Assert.True(listed.IsExpiredAt(cluster.Clock.GetUtcNow()));
        Assert.True(await project.RevokeApiKey(Owner, key.Summary.Id));
        // Revoked once expired, it is still refused as expired (see KeyTombstoneGrainTests).
        Assert.Equal(new SecretKeyAuthentication(SecretKeyAuthenticationOutcome.Expired, null, expiresAt), await Api(project).Authenticate(key.Summary.Prefix, ApiKeyMaterial.Hash(key.Key)));
        Assert.DoesNotContain((await project.GetSettings(Owner))!.ApiKeys, k => k.Id == key.Summary.Id);
    }

    [Fact]
    public async Task EachExpiryChoiceIsCountedFromCreationAndAnExpiredKeyStillCountsAgainstTheLimit()
    {
        var project = await NewProject();
        var in90Days = (await project.CreateApiKey(Owner, null, null, KeyExpiry.In90Days)).Created!.Summary;
        var inAYear = (await project.CreateApiKey(Owner, null, null, KeyExpiry.In1Year)).Created!.Summary;
        Assert.Equal(in90Days.CreatedAt.AddDays(90), in90Days.ExpiresAt);
        Assert.Equal(inAYear.CreatedAt.AddYears(1), inAYear.ExpiresAt);

        for (var i = 0; i < ProjectGrain.MaxApiKeys - 2; i++)
        {
            Assert.Equal(CreateApiKeyOutcome.Created, (await project.CreateApiKey(Owner, null, null, KeyExpiry.In30Days)).Outcome);
        }

        cluster.Clock.Advance(TimeSpan.FromDays(91));

        Assert.True((await project.GetSettings(Owner))!.AtKeyLimit);
        Assert.Equal(CreateApiKeyOutcome.LimitReached, (await project.CreateApiKey(Owner, null)).Outcome);
    }
}
