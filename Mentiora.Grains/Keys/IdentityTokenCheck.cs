namespace Mentiora.Grains.Keys;

/// <summary>What verifying an end user's identity token concluded.</summary>
public enum IdentityTokenCheck
{
    /// <summary>The signature is good, the claims are well-formed and the token is within its lifetime.</summary>
    Valid,

    /// <summary>The signature is good and the claims are well-formed, but the token expired more than the clock leeway ago.</summary>
    Expired,

    /// <summary>The token is malformed, uses another algorithm, carries a bad signature or has unacceptable claims.</summary>
    Invalid,
}
