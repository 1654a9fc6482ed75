namespace Mentiora.Tests.Infrastructure;

/// <summary>What an issued secret is: the two values the creation dialog shows once, an account's password, or an end user's identity token.</summary>
public enum SecretKind
{
    ApiKey,
    SigningSecret,
    Password,
    IdentityToken,
}
