namespace Mentiora.Grains.Accounts;

/// <summary>What a user account keeps in storage.</summary>
[GenerateSerializer, Alias("Mentiora.UserState")]
public sealed class UserState
{
    /// <summary>The address as the user typed it at sign-up.</summary>
    [Id(0)] public string Email { get; set; } = string.Empty;

    /// <summary>The password, hashed by ASP.NET Core's PasswordHasher (PBKDF2 with a salt); empty until sign-up.</summary>
    [Id(1)] public string PasswordHash { get; set; } = string.Empty;

    /// <summary>The projects the user owns or was added to, in the order they joined.</summary>
    [Id(2)] public List<ProjectMembership> Projects { get; set; } = [];

    /// <summary>When the account was created.</summary>
    [Id(3)] public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The account's random public id (see <see cref="AccountIds"/>); empty until sign-up, or first activation for older accounts.</summary>
    [Id(50)] public string AccountId { get; set; } = string.Empty;

    /// <summary>SHA-256 of each signed-in session's id, oldest first, at most <see cref="UserGrain.MaxSessions"/>.</summary>
    [Id(51)] public List<string> SessionHashes { get; set; } = [];
}
