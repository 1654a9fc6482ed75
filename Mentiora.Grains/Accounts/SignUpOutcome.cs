namespace Mentiora.Grains.Accounts;

/// <summary>Whether a sign-up created an account.</summary>
[GenerateSerializer, Alias("Mentiora.SignUpOutcome")]
public enum SignUpOutcome
{
    /// <summary>The account and its first project exist.</summary>
    Created,

    /// <summary>An account with this address exists already.</summary>
    AlreadyRegistered,

    /// <summary>The password is shorter than <see cref="UserGrain.MinPasswordLength"/>.</summary>
    PasswordTooShort,
}
