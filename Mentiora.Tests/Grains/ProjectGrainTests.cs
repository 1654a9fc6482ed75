using Mentiora.Grains.Directory;
using Mentiora.Grains.Keys;
using Mentiora.Grains.Projects;
using Mentiora.Tests.Infrastructure;

namespace Mentiora.Tests.Grains;

public sealed class ProjectGrainTests(GrainClusterFixture cluster) : IClassFixture<GrainClusterFixture>
{
    private IProjectGrain NewProject() => cluster.Grains.GetGrain<IProjectGrain>(Guid.NewGuid());

    [Fact]
    public async Task CreatedKeyIsShownOnceAndListedOnlyByItsPrefix()
    {
        var project = NewProject();

        var result = await project.CreateApiKey("  Production  ");

        Assert.Equal(CreateApiKeyOutcome.Created, result.Outcome);
        var created = result.Created!;
        Assert.Equal(43, created.Key.Length);
        Assert.Equal("Production", created.Summary.Name);
        Assert.Equal(created.Key[..8], created.Summary.Prefix);
        Assert.StartsWith("pk_live_", created.Summary.PublishableKey);
        Assert.Null(created.Summary.LastUsedAt);

        var listed = Assert.Single(await project.ListApiKeys());
        Assert.Equal(created.Summary.Id, listed.Id);
        Assert.Equal(created.Key[..8], listed.Prefix);
        Assert.Equal("Production", listed.Name);
        Assert.DoesNotContain(created.Key, listed.ToString());
        Assert.DoesNotContain(created.SigningSecret, listed.ToString());
    }

    [Fact]
    public async Task KeyNamesAreOptionalAndLimitedTo100Characters()
    {
        var project = NewProject();

        var unnamed = await project.CreateApiKey(null);
        var tooLong = await project.CreateApiKey(new string('x', 101));
        var longest = await project.CreateApiKey(new string('x', 100));

        Assert.Equal(string.Empty, unnamed.Created!.Summary.Name);
        Assert.Equal(CreateApiKeyOutcome.NameTooLong, tooLong.Outcome);
        Assert.Null(tooLong.Created);
        Assert.Equal(CreateApiKeyOutcome.Created, longest.Outcome);
        Assert.Equal(2, (await project.ListApiKeys()).Count);
    }

    [Fact]
    public async Task TwentyConcurrentCreatesGiveExactlyFiveKeys()
    {
        var project = NewProject();

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => project.CreateApiKey($"key {i}")));

        Assert.Equal(5, results.Count(r => r.Outcome == CreateApiKeyOutcome.Created));
        Assert.Equal(15, results.Count(r => r.Outcome == CreateApiKeyOutcome.LimitReached));
        Assert.Equal(5, (await project.ListApiKeys()).Count);
    }

    [Fact]
    public async Task AfterARevokeASlotIsFreeAgain()
    {
        var project = NewProject();
        var keys = new List<CreatedApiKey>();
        for (var i = 0; i < ProjectGrain.MaxApiKeys; i++)
        {
            keys.Add((await project.CreateApiKey(null)).Created!);
        }

        Assert.Equal(CreateApiKeyOutcome.LimitReached, (await project.CreateApiKey("sixth")).Outcome);
        Assert.True(await project.RevokeApiKey(keys[0].Summary.Id));
        Assert.Equal(CreateApiKeyOutcome.Created, (await project.CreateApiKey("sixth")).Outcome);
    }

    [Fact]
    public async Task RenameTrimsTheNameAndAllowsEmpty()
    {
        var project = NewProject();
        var created = (await project.CreateApiKey("Staging")).Created!;

        Assert.Equal(RenameApiKeyOutcome.Renamed, await project.RenameApiKey(created.Summary.Id, "  CI/CD "));
        Assert.Equal("CI/CD", (await project.ListApiKeys())[0].Name);

        Assert.Equal(RenameApiKeyOutcome.Renamed, await project.RenameApiKey(created.Summary.Id, "   "));
        Assert.Equal(string.Empty, (await project.ListApiKeys())[0].Name);

        Assert.Equal(RenameApiKeyOutcome.NameTooLong, await project.RenameApiKey(created.Summary.Id, new string('n', 101)));
        Assert.Equal(RenameApiKeyOutcome.NotFound, await project.RenameApiKey(Guid.NewGuid(), "x"));
    }

    [Fact]
    public async Task TheRightKeyAuthenticatesAndIsMarkedUsed()
    {
        var projectId = Guid.NewGuid();
        var project = cluster.Grains.GetGrain<IProjectGrain>(projectId);
        var created = (await project.CreateApiKey("Production")).Created!;
        var before = DateTimeOffset.UtcNow;

        var owner = await cluster.Grains.GetGrain<IApiKeyPrefixGrain>(created.Summary.Prefix).GetOwner();
        var authenticated = await project.Authenticate(created.Summary.Prefix, ApiKeyMaterial.Hash(created.Key));

        Assert.Equal(new KeyOwner(projectId, created.Summary.Id), owner);
        Assert.Equal(new AuthenticatedApiKey(projectId, created.Summary.Id, created.Summary.Prefix), authenticated);
        var lastUsed = (await project.ListApiKeys())[0].LastUsedAt;
        Assert.NotNull(lastUsed);
        Assert.InRange(lastUsed.Value, before.AddSeconds(-1), DateTimeOffset.UtcNow.AddSeconds(1));
    }

    [Fact]
    public async Task AKeyWithTheRightPrefixButWrongRestIsRefused()
    {
        var project = NewProject();
        var created = (await project.CreateApiKey(null)).Created!;
        var forged = created.Summary.Prefix + ApiKeyMaterial.NewSecretKey()[8..];

        Assert.Null(await project.Authenticate(created.Summary.Prefix, ApiKeyMaterial.Hash(forged)));
        Assert.Null((await project.ListApiKeys())[0].LastUsedAt);
    }

    [Fact]
    public async Task RevokedKeyNoLongerAuthenticatesAndLeavesTheDirectory()
    {
        var project = NewProject();
        var created = (await project.CreateApiKey(null)).Created!;

        Assert.True(await project.RevokeApiKey(created.Summary.Id));

        Assert.Null(await project.Authenticate(created.Summary.Prefix, ApiKeyMaterial.Hash(created.Key)));
        Assert.Empty(await project.ListApiKeys());
        Assert.Null(await cluster.Grains.GetGrain<IApiKeyPrefixGrain>(created.Summary.Prefix).GetOwner());
        Assert.Null(await cluster.Grains.GetGrain<IPublishableKeyGrain>(created.Summary.PublishableKey).GetOwner());
        Assert.False(await project.RevokeApiKey(created.Summary.Id));
    }

    [Fact]
    public async Task APublishableKeyResolvesToItsProjectAndKey()
    {
        var projectId = Guid.NewGuid();
        var created = (await cluster.Grains.GetGrain<IProjectGrain>(projectId).CreateApiKey(null)).Created!;

        var owner = await cluster.Grains.GetGrain<IPublishableKeyGrain>(created.Summary.PublishableKey).GetOwner();

        Assert.Equal(new KeyOwner(projectId, created.Summary.Id), owner);
    }

    [Fact]
    public async Task ADirectoryEntryHeldByOneKeyCannotBeClaimedByAnother()
    {
        var prefix = ApiKeyMaterial.PrefixOf(ApiKeyMaterial.NewSecretKey());
        var entry = cluster.Grains.GetGrain<IApiKeyPrefixGrain>(prefix);
        var first = new KeyOwner(Guid.NewGuid(), Guid.NewGuid());
        var second = new KeyOwner(Guid.NewGuid(), Guid.NewGuid());

        Assert.True(await entry.Claim(first));
        Assert.False(await entry.Claim(second));
        await entry.Release(second);
        Assert.Equal(first, await entry.GetOwner());
        await entry.Release(first);
        Assert.True(await entry.Claim(second));
    }
}
