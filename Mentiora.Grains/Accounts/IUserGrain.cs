using Mentiora.Grains.Secrets;

namespace Mentiora.Grains.Accounts;

/// <summary>A user account, keyed by the normalized email address (see <see cref="AccountEmail.Normalize"/>).</summary>
[Alias("Mentiora.IUserGrain")]
public interface IUserGrain : IGrainWithStringKey
{
    /// <summary>Creates the account with this password and its first project.</summary>
    [Alias("SignUp")]
    Task<SignUpResult> SignUp(string email, SecretText password);

    /// <summary>Checks the password; the signed-in user, or null when the account does not exist or the password is wrong.</summary>
    [Alias("SignIn")]
    Task<SignedInUser?> SignIn(SecretText password);

    /// <summary>True once the account has signed up.</summary>
    [Alias("Exists")]
    Task<bool> Exists();

    /// <summary>The projects the user belongs to, in the order joined.</summary>
    [Alias("GetProjects")]
    Task<IReadOnlyList<ProjectMembership>> GetProjects();

    /// <summary>Creates a new project owned by this user.</summary>
    [Alias("CreateProject")]
    Task<Guid> CreateProject(string name);

    /// <summary>Records that the user was added to a project; called by the project.</summary>
    [Alias("JoinProject")]
    Task JoinProject(ProjectMembership project);

    /// <summary>Records that the user was removed from a project; called by the project.</summary>
    [Alias("LeaveProject")]
    Task LeaveProject(Guid projectId);

    /// <summary>The account as its Account page shows it; null when the account does not exist.</summary>
    [Alias("GetAccount")]
    Task<AccountDetails?> GetAccount();

    /// <summary>True while the session (started by SignIn or SignUp) has not been ended; answered from memory.</summary>
    [Alias("IsSessionActive")]
    Task<bool> IsSessionActive(string sessionId);

    /// <summary>Ends one session (signing out); its cookie is refused from then on, on every silo.</summary>
    [Alias("EndSession")]
    Task EndSession(string sessionId);

    /// <summary>Ends every session of the account (Sign out everywhere).</summary>
    [Alias("EndAllSessions")]
    Task EndAllSessions();
}
