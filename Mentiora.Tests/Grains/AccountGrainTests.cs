using Mentiora.Grains.Accounts;
using Mentiora.Grains.Projects;
using Mentiora.Grains.Secrets;
using Mentiora.Tests.Infrastructure;

namespace Mentiora.Tests.Grains;

public sealed class AccountGrainTests(GrainClusterFixture cluster) : IClassFixture<GrainClusterFixture>
{
    private const string Password = "correct horse battery";

    private static string NewEmail() => $"user-{Guid.NewGuid():N}@Example.com";

    private IUserGrain User(string email) => cluster.Grains.GetGrain<IUserGrain>(AccountEmail.Normalize(email));

    private async Task<(string AccountKey, Guid ProjectId)> SignUp()
    {
        var email = NewEmail();
        var result = await User(email).SignUp(email, new SecretText(Password));
        return (AccountEmail.Normalize(email), result.FirstProjectId!.Value);
    }

    [Fact]
    public async Task SignUpCreatesTheAccountAndAFirstProjectItOwns()
    {
        var email = NewEmail();

        var result = await User(email).SignUp(email, new SecretText(Password));

        Assert.Equal(SignUpOutcome.Created, result.Outcome);
        var projects = await User(email).GetProjects();
        var first = Assert.Single(projects);
        Assert.Equal(result.FirstProjectId, first.ProjectId);
        Assert.Equal(UserGrain.FirstProjectName, first.Name);
        var settings = await cluster.Grains.GetGrain<IProjectDashboardGrain>(first.ProjectId).GetSettings(AccountEmail.Normalize(email));
        Assert.NotNull(settings);
        Assert.True(settings.IsOwner(AccountEmail.Normalize(email)));
    }

    [Fact]
    public async Task AnAddressCanSignUpOnlyOnceWhateverItsCase()
    {
        var email = NewEmail();
        await User(email).SignUp(email, new SecretText(Password));

        var again = await User(email.ToUpperInvariant()).SignUp(email.ToUpperInvariant(), new SecretText("another long password"));

        Assert.Equal(SignUpOutcome.AlreadyRegistered, again.Outcome);
        Assert.NotNull(await User(email).SignIn(new SecretText(Password)));
        Assert.Null(await User(email).SignIn(new SecretText("another long password")));
    }

    [Fact]
    public async Task PasswordsShorterThanTwelveCharactersAreRefused()
    {
        var email = NewEmail();

        var result = await User(email).SignUp(email, new SecretText("elevenchars"));

        Assert.Equal(SignUpOutcome.PasswordTooShort, result.Outcome);
        Assert.False(await User(email).Exists());
    }

    [Fact]
    public async Task SignInChecksThePassword()
    {
        var email = NewEmail();
        await User(email).SignUp(email, new SecretText(Password));

        var signedIn = await User(email).SignIn(new SecretText(Password));

        Assert.NotNull(signedIn);
        Assert.Equal((AccountEmail.Normalize(email), email), (signedIn.AccountKey, signedIn.Email));
        Assert.Null(await User(email).SignIn(new SecretText(Password + "!")));
        Assert.Null(await User(NewEmail()).SignIn(new SecretText(Password)));
    }

    [Fact]
    public async Task EveryAccountHasARandomIdThatStaysTheSame()
    {
        var email = NewEmail();
        var signedUp = (await User(email).SignUp(email, new SecretText(Password))).SignedIn!;
        var other = NewEmail();
        var otherSignedUp = (await User(other).SignUp(other, new SecretText(Password))).SignedIn!;

        Assert.Matches("^acct_[A-Za-z0-9_-]{22}$", signedUp.AccountId);
        Assert.NotEqual(signedUp.AccountId, otherSignedUp.AccountId);
        Assert.Equal(signedUp.AccountId, (await User(email).SignIn(new SecretText(Password)))!.AccountId);
        Assert.Equal(signedUp.AccountId, (await User(email).GetAccount())!.AccountId);
        Assert.Null(await User(NewEmail()).GetAccount());
    }

    [Fact]
    public async Task EndingASessionEndsOnlyThatOneAndEndingAllEndsEveryOne()
    {
        var email = NewEmail();
        var first = (await User(email).SignUp(email, new SecretText(Password))).SignedIn!.SessionId;
        var second = (await User(email).SignIn(new SecretText(Password)))!.SessionId;
        var third = (await User(email).SignIn(new SecretText(Password)))!.SessionId;
        Assert.Equal(3, new[] { first, second, third }.Distinct().Count());
        Assert.Equal(3, (await User(email).GetAccount())!.ActiveSessions);

        await User(email).EndSession(second);

        Assert.True(await User(email).IsSessionActive(first));
        Assert.False(await User(email).IsSessionActive(second));
        Assert.True(await User(email).IsSessionActive(third));
        Assert.False(await User(NewEmail()).IsSessionActive(first));

        await User(email).EndAllSessions();

        Assert.False(await User(email).IsSessionActive(first));
        Assert.False(await User(email).IsSessionActive(third));
        Assert.Equal(0, (await User(email).GetAccount())!.ActiveSessions);
    }

    [Fact]
    public async Task AnAccountKeepsItsTwentyMostRecentSessions()
    {
        var email = NewEmail();
        var sessions = new List<string> { (await User(email).SignUp(email, new SecretText(Password))).SignedIn!.SessionId };
        for (var i = 0; i < UserGrain.MaxSessions; i++)
        {
            sessions.Add((await User(email).SignIn(new SecretText(Password)))!.SessionId);
        }

        Assert.False(await User(email).IsSessionActive(sessions[0]));
        foreach (var recent in sessions.Skip(1))
        {
            Assert.True(await User(email).IsSessionActive(recent));
        }

        Assert.Equal(20, (await User(email).GetAccount())!.ActiveSessions);
    }

    [Fact]
    public async Task ANonMemberSeesNothingAndChangesNothing()
    {
        var (_, projectId) = await SignUp();
        var (stranger, _) = await SignUp();
        var project = cluster.Grains.GetGrain<IProjectDashboardGrain>(projectId);

        Assert.Null(await project.GetSettings(stranger));
        Assert.Equal(CreateApiKeyOutcome.NotFound, (await project.CreateApiKey(stranger, "sneaky")).Outcome);
        Assert.Equal(MemberChangeOutcome.NotFound, await project.AddMember(stranger, stranger));
        Assert.Null(await cluster.Grains.GetGrain<IProjectDashboardGrain>(Guid.NewGuid()).GetSettings(stranger));
    }

    [Fact]
    public async Task TheOwnerAddsAndRemovesMembersWhoThenGainAndLoseAccess()
    {
        var (owner, projectId) = await SignUp();
        var (member, _) = await SignUp();
        var project = cluster.Grains.GetGrain<IProjectDashboardGrain>(projectId);
        var key = (await project.CreateApiKey(owner, "Production")).Created!;

        Assert.Equal(MemberChangeOutcome.Done, await project.AddMember(owner, member));
        Assert.Contains(await cluster.Grains.GetGrain<IUserGrain>(member).GetProjects(), p => p.ProjectId == projectId);
        Assert.Equal(RenameApiKeyOutcome.Renamed, await project.RenameApiKey(member, key.Summary.Id, "Renamed by member"));
        Assert.Equal(MemberChangeOutcome.NotOwner, await project.RemoveMember(member, owner));

        Assert.Equal(MemberChangeOutcome.Done, await project.RemoveMember(owner, member));
        Assert.Null(await project.GetSettings(member));
        Assert.DoesNotContain(await cluster.Grains.GetGrain<IUserGrain>(member).GetProjects(), p => p.ProjectId == projectId);
        Assert.False(await project.RevokeApiKey(member, key.Summary.Id));
    }

    [Fact]
    public async Task OnlyExistingAccountsCanBeAddedAndTheOwnerCannotBeRemoved()
    {
        var (owner, projectId) = await SignUp();
        var project = cluster.Grains.GetGrain<IProjectDashboardGrain>(projectId);

        Assert.Equal(MemberChangeOutcome.NoSuchUser, await project.AddMember(owner, AccountEmail.Normalize(NewEmail())));
        Assert.Equal(MemberChangeOutcome.Unchanged, await project.AddMember(owner, owner));
        Assert.Equal(MemberChangeOutcome.IsOwner, await project.RemoveMember(owner, owner));
    }

    [Fact]
    public async Task AUserCanCreateMoreProjects()
    {
        var (owner, _) = await SignUp();

        var second = await cluster.Grains.GetGrain<IUserGrain>(owner).CreateProject("Staging app");

        var projects = await cluster.Grains.GetGrain<IUserGrain>(owner).GetProjects();
        Assert.Equal(2, projects.Count);
        Assert.Equal("Staging app", projects[1].Name);
        Assert.Equal("Staging app", (await cluster.Grains.GetGrain<IProjectDashboardGrain>(second).GetSettings(owner))!.Name);
    }
}
