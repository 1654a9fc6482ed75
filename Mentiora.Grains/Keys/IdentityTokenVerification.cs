using System.Diagnostics.CodeAnalysis;

namespace Mentiora.Grains.Keys;

/// <summary>The outcome of verifying an identity token: the end user when valid, otherwise a short reason safe to log.</summary>
public sealed record IdentityTokenVerification(IdentityTokenCheck Check, EndUser? User, string? Problem)
{
    /// <summary>True when the token is valid, in which case <see cref="User"/> is set.</summary>
    [MemberNotNullWhen(true, nameof(User))]
    public bool IsValid => Check == IdentityTokenCheck.Valid && User is not null;

    /// <summary>A valid token asserting the given end user.</summary>
    public static IdentityTokenVerification Valid(EndUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return new(IdentityTokenCheck.Valid, user, null);
    }

    /// <summary>A genuine token whose lifetime has passed.</summary>
    public static IdentityTokenVerification Expired() =>
        // No user: callers must not be tempted to treat an expired token's subject as signed in.
        new(IdentityTokenCheck.Expired, null, "the token has expired");

    /// <summary>An unacceptable token, with a reason that never quotes the token itself.</summary>
    public static IdentityTokenVerification Invalid(string problem) =>
        new(IdentityTokenCheck.Invalid, null, problem);
}
