namespace Mentiora.Grains.Keys;

/// <summary>Which rule an identity token broke; the web project words each one for the API's refusal.</summary>
[GenerateSerializer, Alias("Mentiora.IdentityTokenProblem")]
public enum IdentityTokenProblem
{
    /// <summary>The key has no signing secret, so no token can be judged.</summary>
    NoSigningKey,
    Empty,

    /// <summary>Longer than <see cref="IdentityTokens.MaxTokenLength"/> characters.</summary>
    TooLong,
    NotThreeParts,
    NotBase64Url,
    HeaderNotJson,
    HeaderNotObject,
    AlgorithmNotHs256,
    TypeNotJwt,
    CriticalHeader,
    PayloadNotJson,
    PayloadNotObject,
    SignatureMismatch,
    Expired,
    NotYetValid,

    /// <summary>The library refused the token for a reason none of our own rules names.</summary>
    ClaimsNotAcceptable,

    /// <summary>A claim is absent; the detail is the claim's name, as with every Claim… problem.</summary>
    ClaimMissing,
    ClaimNotString,

    /// <summary>A string claim whose escapes decode to no valid text, such as a lone surrogate.</summary>
    ClaimNotText,
    ClaimEmpty,

    /// <summary>Longer than <see cref="IdentityTokens.MaxClaimLength"/> characters.</summary>
    ClaimTooLong,
    ClaimHasControlCharacters,
    ClaimNotNumber,
    ClaimOutOfRange,
    ClaimNotWholeSeconds,
    ExpiresBeforeIssued,

    /// <summary>exp - iat is more than <see cref="IdentityTokens.MaxLifetimeSeconds"/>.</summary>
    LifetimeTooLong,
    IssuedInFuture,

    /// <summary>The key requires an identity token and the request sent none.</summary>
    Required,

    /// <summary>Signed with a signing secret that a roll replaced and whose overlap has ended; <see cref="IdentityTokenError.ReplacedAt"/> says when it was replaced.</summary>
    SigningSecretReplaced = 30,
}
