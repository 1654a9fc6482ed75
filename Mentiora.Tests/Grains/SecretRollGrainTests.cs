using Mentiora.Grains.Activity;
using Mentiora.Grains.KeyDirectory;
using Mentiora.Grains.Keys;
using Mentiora.Grains.Projects;
using Mentiora.Grains.Secrets;
using Mentiora.Tests.Infrastructure;
using Orleans.Core.Internal;

namespace Mentiora.Tests.Grains;

/// <summary>
/// Rolling a key's signing secret and publishable key: the overlap in which both old and new work,
/// decided by the grain from its clock at each request, and the dated refusal afterwards. This class
/// moves its cluster's clock.
/// </summary>
public sealed class SecretRollGrainTests(GrainClusterFixture cluster) : IClassFixture<GrainClusterFixture>
{
    private const string Owner = "owner@example.com";
    private const string Origin = "https://app.example.com";
    private static readonly EndUser Ada = new("user-42", "Ada", null);

    private async Task<(IProjectDashboardGrain Project, IProjectApiGrain Api, RevealedApiKey Key)> BrowserKeyAsync()
    {
        var project = cluster.Grains.GetGrain<IProjectDashboardGrain>(Guid.NewGuid());
        Assert.True(await project.Create(Owner, "Test project"));
        var key = new RevealedApiKey((await project.CreateApiKey(Owner, "Web")).Created!);
        Assert.Equal(OriginChangeOutcome.Done, (await project.AddAllowedOrigin(Owner, key.Summary.Id, Origin)).Outcome);
        return (project, cluster.Grains.GetGrain<IProjectApiGrain>(project.GetPrimaryKey()), key);
    }

    private string TokenSignedWith(string signingSecret) =>
        IdentityTokens.Mint(Ada, IdentityTokens.SigningKey(signingSecret), cluster.Clock.GetUtcNow(), TimeSpan.FromMinutes(30));

    private static Task<BrowserAuthentication> SendAsync(IProjectApiGrain api, string publishableKey, string? token = null, string origin = Origin) =>
        api.AuthenticateBrowser(publishableKey, origin, token is null ? null : new SecretText(token));

    [Fact]
    public async Task DuringTheOverlapTokensSignedWithEitherSecretVerifyAndAfterItTheOldOnesAreToldWhenTheirSecretWasReplaced()
    {
        var (project, api, key) = await BrowserKeyAsync();
        var oldToken = TokenSignedWith(key.SigningSecret);

        var roll = await project.RollSigningSecret(Owner, key.Summary.Id, RollGrace.In1Hour, formToken: null);
        var rolledAt = cluster.Clock.GetUtcNow();
        Assert.Equal(SecretRollOutcome.Rolled, roll.Outcome);
        var newSecret = roll.SigningSecret!.Reveal();
        Assert.NotEqual(key.SigningSecret, newSecret);
        Assert.InRange(roll.PreviousStopsWorkingAt!.Value - rolledAt, TimeSpan.FromMinutes(59), TimeSpan.FromHours(1));
        Assert.Equal(roll.PreviousStopsWorkingAt, (await project.GetKeyOrigins(Owner, key.Summary.Id))!.PreviousSigningSecretWorksUntil);

        var oldDuring = await SendAsync(api, key.Summary.PublishableKey, oldToken);
        var newDuring = await SendAsync(api, key.Summary.PublishableKey, TokenSignedWith(newSecret));
        var stranger = await SendAsync(api, key.Summary.PublishableKey, TokenSignedWith(ApiKeyMaterial.NewSigningSecret()));
        Assert.Equal(BrowserAuthenticationOutcome.Authenticated, oldDuring.Outcome);
        Assert.Equal("user-42", oldDuring.User!.Id);
        Assert.Equal(BrowserAuthenticationOutcome.Authenticated, newDuring.Outcome);
        Assert.Equal(new IdentityTokenError(IdentityTokenProblem.SignatureMismatch), stranger.TokenError);

        // Minted tokens are signed with the new secret: the customer's server, given the new secret, verifies them.
        var minted = (await api.MintIdentityToken(key.Summary.Id, Ada, TimeSpan.FromMinutes(10)))!.Token.Reveal();
        Assert.True(IdentityTokens.Verify(minted, IdentityTokens.SigningKey(newSecret), cluster.Clock.GetUtcNow()).IsValid);
        Assert.False(IdentityTokens.Verify(minted, IdentityTokens.SigningKey(key.SigningSecret), cluster.Clock.GetUtcNow()).IsValid);

        cluster.Clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
        var freshOldToken = TokenSignedWith(key.SigningSecret);
        var oldAfter = await SendAsync(api, key.Summary.PublishableKey, freshOldToken);
        var newAfter = await SendAsync(api, key.Summary.PublishableKey, TokenSignedWith(newSecret));
        Assert.Equal(BrowserAuthenticationOutcome.IdentityTokenInvalid, oldAfter.Outcome);
        Assert.Equal(IdentityTokenProblem.SigningSecretReplaced, oldAfter.TokenError!.Problem);
        Assert.InRange(oldAfter.TokenError.ReplacedAt!.Value - rolledAt, TimeSpan.FromSeconds(-1), TimeSpan.Zero);
        Assert.Null(oldAfter.Key);
        Assert.Equal(BrowserAuthenticationOutcome.Authenticated, newAfter.Outcome);
        Assert.Null((await project.GetKeyOrigins(Owner, key.Summary.Id))!.PreviousSigningSecretWorksUntil);

        // Kept 90 days after its end only to say so; then it is a stranger's secret like any other.
        cluster.Clock.Advance(RolledCredentials.Remembered);
        var forgotten = await SendAsync(api, key.Summary.PublishableKey, TokenSignedWith(key.SigningSecret));
        Assert.Equal(new IdentityTokenError(IdentityTokenProblem.SignatureMismatch), forgotten.TokenError);

        var entry = cluster.ActivityLog.Of(project.GetPrimaryKey()).Single(e => e.Kind == ActivityKind.SigningSecretRolled);
        Assert.Equal((key.Summary.Id, "In1Hour", Owner), (entry.KeyId!.Value, entry.Details!, entry.Actor));
    }

    [Fact]
    public async Task RollingTheSigningSecretAgainWithinTheOverlapEndsTheOlderSecretNowAndGraceNowEndsTheOldOneAtOnce()
    {
        var (project, api, key) = await BrowserKeyAsync();
        var first = (await project.RollSigningSecret(Owner, key.Summary.Id, RollGrace.In7Days, null)).SigningSecret!.Reveal();
        var second = (await project.RollSigningSecret(Owner, key.Summary.Id, RollGrace.In24Hours, null)).SigningSecret!.Reveal();

        var original = await SendAsync(api, key.Summary.PublishableKey, TokenSignedWith(key.SigningSecret));
        var firstRolled = await SendAsync(api, key.Summary.PublishableKey, TokenSignedWith(first));
        var current = await SendAsync(api, key.Summary.PublishableKey, TokenSignedWith(second));
        Assert.Equal(IdentityTokenProblem.SigningSecretReplaced, original.TokenError!.Problem);
        Assert.Equal(BrowserAuthenticationOutcome.Authenticated, firstRolled.Outcome);
        Assert.Equal(BrowserAuthenticationOutcome.Authenticated, current.Outcome);

        var third = (await project.RollSigningSecret(Owner, key.Summary.Id, RollGrace.Now, null)).SigningSecret!.Reveal();
        Assert.Equal(IdentityTokenProblem.SigningSecretReplaced, (await SendAsync(api, key.Summary.PublishableKey, TokenSignedWith(second))).TokenError!.Problem);
        Assert.Equal(IdentityTokenProblem.SigningSecretReplaced, (await SendAsync(api, key.Summary.PublishableKey, TokenSignedWith(first))).TokenError!.Problem);
        Assert.Equal(BrowserAuthenticationOutcome.Authenticated, (await SendAsync(api, key.Summary.PublishableKey, TokenSignedWith(third))).Outcome);
        Assert.Null((await project.GetKeyOrigins(Owner, key.Summary.Id))!.PreviousSigningSecretWorksUntil);
    }

    [Fact]
    public async Task ARollFormSentAgainRollsNothingAndShowsNoSecretAndStrangersCannotRoll()
    {
        var (project, api, key) = await BrowserKeyAsync();
        var formToken = OneTimeForms.NewToken();
        var first = await project.RollSigningSecret(Owner, key.Summary.Id, RollGrace.In1Hour, formToken);
        var again = await project.RollSigningSecret(Owner, key.Summary.Id, RollGrace.In1Hour, formToken);

        Assert.Equal(SecretRollOutcome.Rolled, first.Outcome);
        Assert.Equal(new SigningSecretRoll(SecretRollOutcome.AlreadyRolled, null, null), again);
        Assert.Equal(BrowserAuthenticationOutcome.Authenticated, (await SendAsync(api, key.Summary.PublishableKey, TokenSignedWith(first.SigningSecret!.Reveal()))).Outcome);
        Assert.Single(cluster.ActivityLog.Of(project.GetPrimaryKey()), e => e.Kind == ActivityKind.SigningSecretRolled);

        Assert.Equal(SecretRollOutcome.NotFound, (await project.RollSigningSecret("stranger@example.com", key.Summary.Id, RollGrace.Now, null)).Outcome);
        Assert.Equal(SecretRollOutcome.NotFound, (await project.RollPublishableKey("stranger@example.com", key.Summary.Id, RollGrace.Now)).Outcome);
        Assert.Equal(SecretRollOutcome.NotFound, (await project.RollSigningSecret(Owner, key.Summary.Id, (RollGrace)99, null)).Outcome);
    }

    [Fact]
    public async Task DuringTheOverlapBothPublishableKeysWorkFromTheAllowedOriginsAndAfterItTheOldOneIsToldWhenItWasReplaced()
    {
        var (project, api, key) = await BrowserKeyAsync();
        var oldKey = key.Summary.PublishableKey;
        var roll = await project.RollPublishableKey(Owner, key.Summary.Id, RollGrace.In24Hours);
        var rolledAt = cluster.Clock.GetUtcNow();
        Assert.Equal(SecretRollOutcome.Rolled, roll.Outcome);
        var newKey = roll.PublishableKey!;
        Assert.StartsWith(ApiKeyMaterial.PublishablePrefix, newKey);
        Assert.NotEqual(oldKey, newKey);

        var origins = (await project.GetKeyOrigins(Owner, key.Summary.Id))!;
        Assert.Equal(newKey, origins.Key.PublishableKey);
        Assert.Equal(oldKey, origins.PreviousPublishableKey);
        Assert.Equal(roll.PreviousStopsWorkingAt, origins.PreviousPublishableKeyWorksUntil);
        var owner = new KeyOwner(project.GetPrimaryKey(), key.Summary.Id);
        Assert.Equal(owner, await cluster.Grains.GetGrain<IKeyDirectoryGrain>(KeyDirectoryKeys.ForPublishableKey(newKey)).GetOwner());

        cluster.Clock.Advance(TimeSpan.FromHours(23));
        var oldDuring = await SendAsync(api, oldKey, TokenSignedWith(key.SigningSecret));
        var newDuring = await SendAsync(api, newKey);
        var oldElsewhere = await SendAsync(api, oldKey, origin: "https://evil.example.net");
        Assert.Equal(BrowserAuthenticationOutcome.Authenticated, oldDuring.Outcome);
        Assert.Equal((key.Summary.Id, "user-42"), (oldDuring.Key!.KeyId, oldDuring.User!.Id));
        Assert.Equal(BrowserAuthenticationOutcome.Authenticated, newDuring.Outcome);
        Assert.Equal(BrowserAuthenticationOutcome.OriginNotAllowed, oldElsewhere.Outcome);

        cluster.Clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
        var oldAfter = await SendAsync(api, oldKey);
        Assert.Equal(BrowserAuthenticationOutcome.PublishableKeyReplaced, oldAfter.Outcome);
        Assert.InRange(oldAfter.PublishableKeyReplacedAt!.Value - rolledAt, TimeSpan.FromSeconds(-1), TimeSpan.Zero);
        Assert.Null(oldAfter.Key);
        Assert.Equal(BrowserAuthenticationOutcome.Authenticated, (await SendAsync(api, newKey)).Outcome);
        // Still claimed, so the refusal reaches this project and no new key can take the old value.
        Assert.Equal(owner, await cluster.Grains.GetGrain<IKeyDirectoryGrain>(KeyDirectoryKeys.ForPublishableKey(oldKey)).GetOwner());

        cluster.Clock.Advance(RolledCredentials.Remembered);
        Assert.Equal(BrowserAuthenticationOutcome.UnknownKey, (await SendAsync(api, oldKey)).Outcome);

        // The next roll forgets it and releases its entry.
        var next = await project.RollPublishableKey(Owner, key.Summary.Id, RollGrace.Now);
        Assert.Null(await cluster.Grains.GetGrain<IKeyDirectoryGrain>(KeyDirectoryKeys.ForPublishableKey(oldKey)).GetOwner());
        Assert.Equal(BrowserAuthenticationOutcome.PublishableKeyReplaced, (await SendAsync(api, newKey)).Outcome);
        Assert.Equal(BrowserAuthenticationOutcome.Authenticated, (await SendAsync(api, next.PublishableKey!)).Outcome);

        var entries = cluster.ActivityLog.Of(project.GetPrimaryKey()).Where(e => e.Kind == ActivityKind.PublishableKeyRolled).Select(e => e.Details);
        Assert.Equal(["In24Hours", "Now"], entries.Order());
    }

    [Fact]
    public async Task ARolledOutSecretAndPublishableKeyKeepWorkingAfterTheGrainIsReadBackFromStorage()
    {
        var (project, api, key) = await BrowserKeyAsync();
        var newSecret = (await project.RollSigningSecret(Owner, key.Summary.Id, RollGrace.In7Days, null)).SigningSecret!.Reveal();
        var newKey = (await project.RollPublishableKey(Owner, key.Summary.Id, RollGrace.In7Days)).PublishableKey!;
        await project.AsReference<IGrainManagementExtension>().DeactivateOnIdle();

        var origins = (await project.GetKeyOrigins(Owner, key.Summary.Id))!;
        Assert.Equal((newKey, key.Summary.PublishableKey), (origins.Key.PublishableKey, origins.PreviousPublishableKey));
        Assert.NotNull(origins.PreviousSigningSecretWorksUntil);
        Assert.Equal(BrowserAuthenticationOutcome.Authenticated, (await SendAsync(api, key.Summary.PublishableKey, TokenSignedWith(key.SigningSecret))).Outcome);
        Assert.Equal(BrowserAuthenticationOutcome.Authenticated, (await SendAsync(api, newKey, TokenSignedWith(newSecret))).Outcome);
    }

    [Fact]
    public async Task RollingThePublishableKeyAgainEndsTheOlderNowAndRevokingTheKeyRefusesAndLaterFreesEveryPublishableKeyItHad()
    {
        var (project, api, key) = await BrowserKeyAsync();
        var first = (await project.RollPublishableKey(Owner, key.Summary.Id, RollGrace.In7Days)).PublishableKey!;
        var second = (await project.RollPublishableKey(Owner, key.Summary.Id, RollGrace.In1Hour)).PublishableKey!;

        Assert.Equal(BrowserAuthenticationOutcome.PublishableKeyReplaced, (await SendAsync(api, key.Summary.PublishableKey)).Outcome);
        Assert.Equal(BrowserAuthenticationOutcome.Authenticated, (await SendAsync(api, first)).Outcome);
        Assert.Equal(BrowserAuthenticationOutcome.Authenticated, (await SendAsync(api, second)).Outcome);

        Assert.True(await project.RevokeApiKey(Owner, key.Summary.Id));
        // The current publishable key's holder is told it was revoked; the rolled-out ones are simply no keys any more.
        Assert.Equal(BrowserAuthenticationOutcome.KeyRevoked, (await SendAsync(api, second)).Outcome);
        Assert.Equal(BrowserAuthenticationOutcome.UnknownKey, (await SendAsync(api, first)).Outcome);
        Assert.Equal(BrowserAuthenticationOutcome.UnknownKey, (await SendAsync(api, key.Summary.PublishableKey)).Outcome);

        // Their directory entries stay with the revoked key while its tombstone is kept, then free themselves.
        cluster.Clock.Advance(KeyTombstones.Kept);
        foreach (var publishableKey in new[] { key.Summary.PublishableKey, first, second })
        {
            Assert.Equal(BrowserAuthenticationOutcome.UnknownKey, (await SendAsync(api, publishableKey)).Outcome);
            Assert.Null(await cluster.Grains.GetGrain<IKeyDirectoryGrain>(KeyDirectoryKeys.ForPublishableKey(publishableKey)).GetOwner());
        }
    }
}
