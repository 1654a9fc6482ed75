using System.Diagnostics.CodeAnalysis;

namespace Mentiora.Grains.Keys;

/// <summary>The outcome of verifying an identity token: the end user when valid, otherwise which rule it broke.</summary>
public sealed record IdentityTokenVerification(IdentityTokenCheck Check, EndUser? User, IdentityTokenError? Error)
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
        new(IdentityTokenCheck.Expired, null, new IdentityTokenError(IdentityTokenProblem.Expired));

    /// <summary>An unacceptable token; the error never carries the token or a claim's value.</summary>
    public static IdentityTokenVerification Invalid(IdentityTokenError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return new(IdentityTokenCheck.Invalid, null, error);
    }

    /// <summary>An unacceptable token that broke a rule about the whole token rather than one claim.</summary>
    public static IdentityTokenVerification Invalid(IdentityTokenProblem problem) => Invalid(new IdentityTokenError(problem));
}
