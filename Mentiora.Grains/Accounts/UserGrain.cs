using Mentiora.Grains.Projects;
using Mentiora.Grains.Secrets;
using Microsoft.AspNetCore.Identity;

namespace Mentiora.Grains.Accounts;

/// <inheritdoc cref="IUserGrain"/>
public sealed class UserGrain(
    [PersistentState("user", StorageNames.Grains)] IPersistentState<UserState> account,
    TimeProvider clock) : Grain, IUserGrain
{
    /// <summary>Shortest password accepted at sign-up.</summary>
    public const int MinPasswordLength = 12;

    /// <summary>Most sessions an account keeps; a new sign-in beyond it ends the oldest.</summary>
    public const int MaxSessions = 20;

    /// <summary>Name of the project every account starts with.</summary>
    public const string FirstProjectName = "My first project";

    private static readonly PasswordHasher<string> Hasher = new();

    // Verifying against this when the account does not exist makes a wrong address cost as much
    // time as a wrong password, so response times do not reveal which addresses have accounts.
    private static readonly string DecoyHash = Hasher.HashPassword(string.Empty, Guid.NewGuid().ToString());

    private string AccountKey => this.GetPrimaryKeyString();

    private bool SignedUp => account.State.PasswordHash.Length > 0;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Accounts created before account ids existed get theirs the first time they are used.
        if (SignedUp && account.State.AccountId.Length == 0)
        {
            account.State.AccountId = AccountIds.NewAccountId();
            await account.WriteStateAsync(cancellationToken);
        }
    }

    public async Task<SignUpResult> SignUp(string email, SecretText password)
    {
        if (SignedUp)
        {
            return new SignUpResult(SignUpOutcome.AlreadyRegistered, null);
        }

        if (password.Reveal().Length < MinPasswordLength)
        {
            return new SignUpResult(SignUpOutcome.PasswordTooShort, null);
        }

        // The project comes first: a crash before the account is saved leaves a project nobody
        // can reach, and the person can simply sign up again.
        var firstProject = await NewOwnedProject(FirstProjectName);
        account.State.Email = email.Trim();
        account.State.PasswordHash = Hasher.HashPassword(AccountKey, password.Reveal());
        account.State.CreatedAt = clock.GetUtcNow();
        account.State.Projects.Add(firstProject);
        account.State.AccountId = AccountIds.NewAccountId();
        var sessionId = StartSession();
        await SaveOrUndo(() =>
        {
            account.State.Email = string.Empty;
            account.State.PasswordHash = string.Empty;
            account.State.CreatedAt = default;
            account.State.AccountId = string.Empty;
            account.State.SessionHashes = [];
            account.State.Projects.Remove(firstProject);
        });
        return new SignUpResult(SignUpOutcome.Created, firstProject.ProjectId, SignedInAs(sessionId));
    }

    public async Task<SignedInUser?> SignIn(SecretText password)
    {
        if (!SignedUp)
        {
            Hasher.VerifyHashedPassword(AccountKey, DecoyHash, password.Reveal());
            DeactivateOnIdle();
            return null;
        }

        var verdict = Hasher.VerifyHashedPassword(AccountKey, account.State.PasswordHash, password.Reveal());
        if (verdict == PasswordVerificationResult.Failed)
        {
            return null;
        }

        var hashBefore = account.State.PasswordHash;
        if (verdict == PasswordVerificationResult.SuccessRehashNeeded)
        {
            account.State.PasswordHash = Hasher.HashPassword(AccountKey, password.Reveal());
        }

        // Stored before the cookie is issued: a session the account does not know is refused on every silo.
        var sessionsBefore = account.State.SessionHashes.ToList();
        var sessionId = StartSession();
        await SaveOrUndo(() =>
        {
            account.State.PasswordHash = hashBefore;
            account.State.SessionHashes = sessionsBefore;
        });
        return SignedInAs(sessionId);
    }

    public Task<bool> Exists() => Task.FromResult(SignedUp);

    public Task<IReadOnlyList<ProjectMembership>> GetProjects() =>
        Task.FromResult<IReadOnlyList<ProjectMembership>>(account.State.Projects.ToArray());

    public async Task<Guid> CreateProject(string name)
    {
        var project = await NewOwnedProject(name);
        account.State.Projects.Add(project);
        await SaveOrUndo(() => account.State.Projects.Remove(project));
        return project.ProjectId;
    }

    public async Task JoinProject(ProjectMembership project)
    {
        if (!SignedUp || account.State.Projects.Exists(p => p.ProjectId == project.ProjectId))
        {
            return;
        }

        account.State.Projects.Add(project);
        await SaveOrUndo(() => account.State.Projects.Remove(project));
    }

    public async Task LeaveProject(Guid projectId)
    {
        var index = account.State.Projects.FindIndex(p => p.ProjectId == projectId);
        if (index >= 0)
        {
            var membership = account.State.Projects[index];
            account.State.Projects.RemoveAt(index);
            await SaveOrUndo(() => account.State.Projects.Insert(index, membership));
        }
    }

    // As in ProjectGrain: memory keeps only what storage has, and a write that failed, perhaps after
    // committing, makes the grain read storage again on its next call.
    private async Task SaveOrUndo(Action undo)
    {
        try
        {
            await account.WriteStateAsync();
        }
        catch
        {
            undo();
            DeactivateOnIdle();
            throw;
        }
    }

    private async Task<ProjectMembership> NewOwnedProject(string name)
    {
        var projectId = Guid.NewGuid();
        await GrainFactory.GetGrain<IProjectDashboardGrain>(projectId).Create(AccountKey, name);
        return new ProjectMembership(projectId, name);
    }

    public Task<AccountDetails?> GetAccount() => Task.FromResult(SignedUp
        ? new AccountDetails(account.State.Email, account.State.AccountId, account.State.CreatedAt, account.State.SessionHashes.Count)
        : null);

    public Task<bool> IsSessionActive(string sessionId) =>
        Task.FromResult(SignedUp && account.State.SessionHashes.Contains(AccountIds.SessionHash(sessionId)));

    public async Task EndSession(string sessionId)
    {
        var before = account.State.SessionHashes.ToList();
        if (account.State.SessionHashes.Remove(AccountIds.SessionHash(sessionId)))
        {
            await SaveOrUndo(() => account.State.SessionHashes = before);
        }
    }

    public async Task EndAllSessions()
    {
        if (account.State.SessionHashes.Count > 0)
        {
            var before = account.State.SessionHashes;
            account.State.SessionHashes = [];
            await SaveOrUndo(() => account.State.SessionHashes = before);
        }
    }

    private string StartSession()
    {
        var sessionId = AccountIds.NewSessionId();
        var sessions = account.State.SessionHashes;
        sessions.Add(AccountIds.SessionHash(sessionId));
        if (sessions.Count > MaxSessions)
        {
            sessions.RemoveRange(0, sessions.Count - MaxSessions);
        }

        return sessionId;
    }

    private SignedInUser SignedInAs(string sessionId) => new(AccountKey, account.State.Email, account.State.AccountId, sessionId);
}
