using Mentiora.Grains.Accounts;
using Mentiora.Grains.Activity;
using Mentiora.Grains.Projects;
using Mentiora.Grains.Secrets;
using Mentiora.Tests.Infrastructure;
using Orleans.Core.Internal;

namespace Mentiora.Tests.Grains;

/// <summary>Every dashboard change the project grain makes leaves one activity entry saying who did what; a change that failed leaves none.</summary>
public sealed class ActivityGrainTests(FailingWritesClusterFixture cluster) : IClassFixture<FailingWritesClusterFixture>
{
    private const string Owner = "owner@example.com";

    [Fact]
    public async Task EachDashboardChangeLogsOneEntryWithWhoWhatAndTheKeyByItsPrefixOnly()
    {
        var project = await NewProjectAsync();
        var member = await NewAccountAsync();

        var created = new RevealedApiKey((await project.CreateApiKey(Owner, "Production")).Created!);
        var keyId = created.Summary.Id;
        Assert.Equal(RenameApiKeyOutcome.Renamed, await project.RenameApiKey(Owner, keyId, "Staging"));
        Assert.Equal(OriginChangeOutcome.Done, (await project.AddAllowedOrigin(Owner, keyId, "https://app.example.com")).Outcome);
        Assert.Equal(OriginChangeOutcome.Done, (await project.RemoveAllowedOrigin(Owner, keyId, "https://app.example.com")).Outcome);
        Assert.Equal(OriginChangeOutcome.Done, await project.SetReportOnly(Owner, keyId, true));
        Assert.Equal(OriginChangeOutcome.Done, await project.SetRequireIdentityToken(Owner, keyId, true));
        Assert.Equal(MemberChangeOutcome.Done, await project.AddMember(Owner, member));
        Assert.Equal(MemberChangeOutcome.Done, await project.RemoveMember(Owner, member));
        Assert.True(await project.RevokeApiKey(Owner, keyId));

        var entries = cluster.ActivityLog.Of(project.GetPrimaryKey());
        Assert.Equal(
            [ActivityKind.KeyCreated, ActivityKind.KeyRenamed, ActivityKind.OriginAdded, ActivityKind.OriginRemoved, ActivityKind.ReportOnlySwitched,
             ActivityKind.RequireIdentityTokenSwitched, ActivityKind.MemberAdded, ActivityKind.MemberRemoved, ActivityKind.KeyRevoked],
            entries.Select(e => e.Kind));
        Assert.All(entries, e => Assert.Equal(Owner, e.Actor));
        Assert.Equal(("Production", created.Summary.Prefix), (entries[0].KeyName, entries[0].KeyPrefix));
        Assert.Equal(("Production", "Staging"), (entries[1].PreviousValue, entries[1].Details));
        Assert.Equal("https://app.example.com", entries[2].Details);
        Assert.Equal("on", entries[4].Details);
        Assert.Equal(member, entries[6].Details);
        Assert.Equal(("Staging", keyId), (entries[8].KeyName, entries[8].KeyId));

        // An entry names a key by its 8-character prefix, never by the key or its signing secret.
        Assert.Empty(IssuedSecrets.Current().FindIn(string.Join("\n", entries)));
        Assert.Equal(8, entries[0].KeyPrefix!.Length);
    }

    [Fact]
    public async Task AChangeWhoseWriteFailsLogsNothingAndTheChangeDidNotHappen()
    {
        var project = await NewProjectAsync();
        var created = new RevealedApiKey((await project.CreateApiKey(Owner, "Production")).Created!);

        cluster.Storage.FailNextWrites(project.GetGrainId());
        await Assert.ThrowsAsync<OrleansException>(() => project.RenameApiKey(Owner, created.Summary.Id, "Lost"));
        await ReactivateAsync(project);

        Assert.Equal("Production", Assert.Single((await project.GetSettings(Owner))!.ApiKeys).Name);
        Assert.Equal([ActivityKind.KeyCreated], cluster.ActivityLog.Of(project.GetPrimaryKey()).Select(e => e.Kind));
    }

    [Fact]
    public async Task AnEntryTheLogRefusedIsKeptWithTheChangeAndLoggedOnceWhenTheProjectIsNextActivated()
    {
        var project = await NewProjectAsync();
        cluster.ActivityLog.Unavailable = true;
        try
        {
            // The change is done and answered as done, although its entry could not be logged yet.
            Assert.Equal(CreateApiKeyOutcome.Created, (await project.CreateApiKey(Owner, "Production")).Outcome);
            Assert.Empty(cluster.ActivityLog.Of(project.GetPrimaryKey()));
        }
        finally
        {
            cluster.ActivityLog.Unavailable = false;
        }

        // Read back from storage (as after a crash): the stored entry is logged, exactly once.
        await ReactivateAsync(project);
        await project.GetSettings(Owner);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (cluster.ActivityLog.Of(project.GetPrimaryKey()).Count == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }

        Assert.Equal([ActivityKind.KeyCreated], cluster.ActivityLog.Of(project.GetPrimaryKey()).Select(e => e.Kind));
        Assert.Equal(RenameApiKeyOutcome.Renamed, await project.RenameApiKey(Owner, (await project.GetSettings(Owner))!.ApiKeys[0].Id, "Staging"));
        Assert.Equal([ActivityKind.KeyCreated, ActivityKind.KeyRenamed], cluster.ActivityLog.Of(project.GetPrimaryKey()).Select(e => e.Kind));
    }

    private async Task<IProjectDashboardGrain> NewProjectAsync()
    {
        var project = cluster.Grains.GetGrain<IProjectDashboardGrain>(Guid.NewGuid());
        Assert.True(await project.Create(Owner, "Test project"));
        return project;
    }

    private async Task<string> NewAccountAsync()
    {
        var email = $"member-{Guid.NewGuid():N}@example.com";
        Assert.Equal(SignUpOutcome.Created, (await cluster.Grains.GetGrain<IUserGrain>(email).SignUp(email, new SecretText("correct horse battery staple"))).Outcome);
        return email;
    }

    private static async Task ReactivateAsync(IAddressable grain)
    {
        await grain.AsReference<IGrainManagementExtension>().DeactivateOnIdle();
        await Task.Delay(200);
    }
}
