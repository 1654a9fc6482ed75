namespace Mentiora.Grains.Accounts;

/// <summary>An account as its owner sees it on the Account page.</summary>
[GenerateSerializer, Immutable, Alias("Mentiora.AccountDetails")]
public sealed record AccountDetails(
    [property: Id(0)] string Email,
    [property: Id(1)] string AccountId,
    [property: Id(2)] DateTimeOffset CreatedAt,
    [property: Id(3)] int ActiveSessions);
