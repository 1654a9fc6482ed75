namespace Mentiora.Tests.Infrastructure;

/// <summary>Which of the two values the creation dialog shows once.</summary>
public enum SecretKind
{
    ApiKey,
    SigningSecret,
}
