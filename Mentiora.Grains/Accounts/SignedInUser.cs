namespace Mentiora.Grains.Accounts;

/// <summary>Who signed in: the account's key, the address to show, the account's public id and the session just started.</summary>
[GenerateSerializer, Immutable, Alias("Mentiora.SignedInUser")]
public sealed record SignedInUser(
    [property: Id(0)] string AccountKey,
    [property: Id(1)] string Email,
    [property: Id(2)] string AccountId,
    [property: Id(3)] string SessionId);
