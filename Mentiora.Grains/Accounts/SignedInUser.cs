namespace Mentiora.Grains.Accounts;

/// <summary>Who signed in: the account's key and the address to show.</summary>
[GenerateSerializer, Immutable, Alias("Mentiora.SignedInUser")]
public sealed record SignedInUser(
    [property: Id(0)] string AccountKey,
    [property: Id(1)] string Email);
