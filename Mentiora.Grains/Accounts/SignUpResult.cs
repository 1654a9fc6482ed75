namespace Mentiora.Grains.Accounts;

/// <summary>The outcome of a sign-up, with the first project and the signed-in session when the account was created.</summary>
[GenerateSerializer, Immutable, Alias("Mentiora.SignUpResult")]
public sealed record SignUpResult(
    [property: Id(0)] SignUpOutcome Outcome,
    [property: Id(1)] Guid? FirstProjectId,
    [property: Id(2)] SignedInUser? SignedIn = null);
