using Mentiora.Grains.Keys;

namespace Mentiora.Web.Api;

/// <summary>What the ingestion API says about a refused identity token, phrased so a customer can fix the server that signed it.</summary>
public static class IdentityTokenMessages
{
    /// <summary>The reason a token was refused, as a phrase that completes "The identity token was refused: …"; it never quotes the token or a claim's value.</summary>
    public static string Describe(IdentityTokenError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return error.Problem switch
        {
            IdentityTokenProblem.NoSigningKey => "no signing key is configured",
            IdentityTokenProblem.Empty => "the token is empty",
            IdentityTokenProblem.TooLong => $"the token is longer than {IdentityTokens.MaxTokenLength} characters",
            IdentityTokenProblem.NotThreeParts => "the token is not three dot-separated parts",
            IdentityTokenProblem.NotBase64Url => "the token is not base64url",
            IdentityTokenProblem.HeaderNotJson => "the header is not valid JSON or repeats a property",
            IdentityTokenProblem.HeaderNotObject => "the header is not a JSON object",
            IdentityTokenProblem.AlgorithmNotHs256 => "the algorithm must be HS256",
            IdentityTokenProblem.TypeNotJwt => "the token type must be JWT",
            IdentityTokenProblem.CriticalHeader => "critical header extensions are not supported",
            IdentityTokenProblem.PayloadNotJson => "the payload is not valid JSON or repeats a property",
            IdentityTokenProblem.PayloadNotObject => "the payload is not a JSON object",
            IdentityTokenProblem.SignatureMismatch => "the signature does not match",
            IdentityTokenProblem.Expired => "the token has expired",
            IdentityTokenProblem.NotYetValid => "nbf is in the future",
            IdentityTokenProblem.ClaimsNotAcceptable => "the token's claims are not acceptable",
            IdentityTokenProblem.ClaimMissing => $"the {error.Claim} claim is missing",
            IdentityTokenProblem.ClaimNotString => $"the {error.Claim} claim must be a string",
            IdentityTokenProblem.ClaimNotText => $"the {error.Claim} claim is not valid text",
            IdentityTokenProblem.ClaimEmpty => $"the {error.Claim} claim is empty",
            IdentityTokenProblem.ClaimTooLong => $"the {error.Claim} claim is longer than {IdentityTokens.MaxClaimLength} characters",
            IdentityTokenProblem.ClaimHasControlCharacters => $"the {error.Claim} claim contains control characters",
            IdentityTokenProblem.ClaimNotNumber => $"the {error.Claim} claim must be a number",
            IdentityTokenProblem.ClaimOutOfRange => $"the {error.Claim} claim is out of range",
            IdentityTokenProblem.ClaimNotWholeSeconds => $"the {error.Claim} claim must be whole seconds",
            IdentityTokenProblem.ExpiresBeforeIssued => "exp must be later than iat",
            IdentityTokenProblem.LifetimeTooLong => $"the lifetime is longer than {IdentityTokens.MaxLifetimeSeconds} seconds",
            IdentityTokenProblem.IssuedInFuture => "iat is in the future",
            IdentityTokenProblem.Required => $"this publishable key requires an identity token, and none was sent in {ApiKeyAuthenticationHandler.IdentityTokenHeader}",
            IdentityTokenProblem.SigningSecretReplaced => $"it was signed with a signing secret that was replaced on {Day(error.ReplacedAt)}",
            _ => throw new ArgumentOutOfRangeException(nameof(error), error.Problem, null),
        };
    }

    /// <summary>The whole refusal of a token signed with a rolled-out signing secret: when it was replaced and what to sign with now.</summary>
    public static string SignedWithReplacedSecret(DateTimeOffset? replacedAt) =>
        $"The identity token was signed with a signing secret that was replaced on {Day(replacedAt)}. Sign identity tokens with the current signing secret (Settings → API Keys → Allowed origins).";

    // The day only, in UTC: when it happened is the customer's clue, the exact time is nobody's business.
    private static string Day(DateTimeOffset? at) =>
        (at ?? DateTimeOffset.MinValue).UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}
