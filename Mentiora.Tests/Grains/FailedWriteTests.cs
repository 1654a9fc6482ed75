using Mentiora.Grains.Accounts;
using Mentiora.Grains.Keys;
using Mentiora.Grains.Projects;
using Mentiora.Grains.Secrets;
using Mentiora.Tests.Infrastructure;
using Orleans.Core.Internal;

namespace Mentiora.Tests.Grains;

/// <summary>
/// A change whose write fails is answered with the error and leaves nothing behind, even after the
/// grain is deactivated and read back from storage; what was answered as done is durable.
/// </summary>
public sealed class FailedWriteTests(FailingWritesClusterFixture cluster) : IClassFixture<FailingWritesClusterFixture>
{
    private const string Owner = "owner@example.com";

    [Fact]
    public async Task ARevocationWhoseWriteFailsThrowsAndTheKeyKeepsWorkingAfterReactivationUntilARetryRevokesItForGood()
    {
        var project = await NewProjectAsync();
        var created = new RevealedApiKey((await project.CreateApiKey(Owner, "Production")).Created!);

        cluster.Storage.FailNextWrites(project.GetGrainId());
        await Assert.ThrowsAsync<OrleansException>(() => project.RevokeApiKey(Owner, created.Summary.Id));

        Assert.True(await AuthenticatesAsync(project, created), "a revocation that failed should leave the key working");
        await ReactivateAsync(project);
        Assert.True(await AuthenticatesAsync(project, created), "the key should still work once the grain is read back from storage");
        Assert.Single((await project.GetSettings(Owner))!.ApiKeys);

        Assert.True(await project.RevokeApiKey(Owner, created.Summary.Id));
        await ReactivateAsync(project);
        Assert.False(await AuthenticatesAsync(project, created), "a revocation answered as done should hold after reactivation");
        Assert.Empty((await project.GetSettings(Owner))!.ApiKeys);
    }

    [Fact]
    public async Task AMemberRemovalWhoseWriteFailsThrowsAndTheMemberKeepsAccessAfterReactivationUntilARetryRemovesThem()
    {
        var project = await NewProjectAsync();
        var member = $"member-{Guid.NewGuid():N}@example.com";
        Assert.Equal(SignUpOutcome.Created, (await cluster.Grains.GetGrain<IUserGrain>(member).SignUp(member, new SecretText("correct horse battery staple"))).Outcome);
        Assert.Equal(MemberChangeOutcome.Done, await project.AddMember(Owner, member));

        cluster.Storage.FailNextWrites(project.GetGrainId());
        await Assert.ThrowsAsync<OrleansException>(() => project.RemoveMember(Owner, member));

        Assert.NotNull(await project.GetSettings(member));
        await ReactivateAsync(project);
        Assert.NotNull(await project.GetSettings(member));
        Assert.Contains(member, (await project.GetSettings(Owner))!.Members);

        Assert.Equal(MemberChangeOutcome.Done, await project.RemoveMember(Owner, member));
        await ReactivateAsync(project);
        Assert.Null(await project.GetSettings(member));
        Assert.DoesNotContain(await cluster.Grains.GetGrain<IUserGrain>(member).GetProjects(), p => p.ProjectId == project.GetPrimaryKey());
    }

    [Fact]
    public async Task AKeyCreationWhoseWriteFailsThrowsAndLeavesNoKeyAfterReactivationAndItsFormCanBeSentAgain()
    {
        var project = await NewProjectAsync();
        var formToken = OneTimeForms.NewToken();

        cluster.Storage.FailNextWrites(project.GetGrainId());
        await Assert.ThrowsAsync<OrleansException>(() => project.CreateApiKey(Owner, "Lost", formToken));

        Assert.Empty((await project.GetSettings(Owner))!.ApiKeys);
        await ReactivateAsync(project);
        Assert.Empty((await project.GetSettings(Owner))!.ApiKeys);

        // Nothing was created, so the same form may try again, once.
        Assert.Equal(CreateApiKeyOutcome.Created, (await project.CreateApiKey(Owner, "Lost", formToken)).Outcome);
        Assert.Equal(CreateApiKeyOutcome.AlreadyCreated, (await project.CreateApiKey(Owner, "Lost", formToken)).Outcome);
    }

    [Fact]
    public async Task ASignUpWhoseWriteFailsThrowsAndLeavesNoAccountSoTheAddressCanSignUpAgain()
    {
        var email = $"dev-{Guid.NewGuid():N}@example.com";
        var user = cluster.Grains.GetGrain<IUserGrain>(email);
        var password = new SecretText("correct horse battery staple");

        cluster.Storage.FailNextWrites(user.GetGrainId());
        await Assert.ThrowsAsync<OrleansException>(() => user.SignUp(email, password));

        Assert.False(await user.Exists());
        Assert.Null(await user.SignIn(password));
        Assert.Equal(SignUpOutcome.Created, (await user.SignUp(email, password)).Outcome);
        await ReactivateAsync(user);
        Assert.NotNull(await user.SignIn(password));
    }

    private async Task<IProjectDashboardGrain> NewProjectAsync()
    {
        var project = cluster.Grains.GetGrain<IProjectDashboardGrain>(Guid.NewGuid());
        Assert.True(await project.Create(Owner, "Test project"));
        return project;
    }

    private async Task<bool> AuthenticatesAsync(IProjectDashboardGrain project, RevealedApiKey key) =>
        (await cluster.Grains.GetGrain<IProjectApiGrain>(project.GetPrimaryKey()).Authenticate(key.Summary.Prefix, ApiKeyMaterial.Hash(key.Key))).Outcome == SecretKeyAuthenticationOutcome.Authenticated;

    // The next call activates the grain anew, from what storage holds.
    private static async Task ReactivateAsync(IAddressable grain)
    {
        await grain.AsReference<IGrainManagementExtension>().DeactivateOnIdle();
        await Task.Delay(200);
    }
}
