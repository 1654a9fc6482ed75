using Mentiora.Grains.Usage;

namespace Mentiora.Web.Usage;

/// <summary>Maps the API's error codes to the refusal reasons a key's usage counts, and back.</summary>
public static class KeyRefusalReasons
{
    /// <summary>The reason a refusal after the key check counts as; null for codes that are not the key's doing (e.g. unavailable).</summary>
    public static KeyRefusalReason? FromCode(string code) => code switch
    {
        "payload_too_large" => KeyRefusalReason.PayloadTooLarge,
        "invalid_trace" => KeyRefusalReason.InvalidTrace,
        "invalid_json" => KeyRefusalReason.InvalidJson,
        "rate_limited" => KeyRefusalReason.RateLimited,
        _ => null,
    };

    /// <summary>The error code the API answered with for this reason, as the SDK showed it to the key's user.</summary>
    public static string Code(KeyRefusalReason reason) => reason switch
    {
        KeyRefusalReason.InvalidApiKey or KeyRefusalReason.Whitespace or KeyRefusalReason.PrefixOnly or KeyRefusalReason.KeyExpired => "invalid_api_key",
        KeyRefusalReason.OriginNotAllowed => "origin_not_allowed",
        KeyRefusalReason.IdentityTokenExpired => "identity_token_expired",
        KeyRefusalReason.IdentityTokenInvalid => "identity_token_invalid",
        KeyRefusalReason.RateLimited => "rate_limited",
        KeyRefusalReason.PayloadTooLarge => "payload_too_large",
        KeyRefusalReason.InvalidTrace => "invalid_trace",
        KeyRefusalReason.InvalidJson => "invalid_json",
        KeyRefusalReason.SecretKeyInBrowser => "insufficient_permissions",
        _ => reason.ToString(),
    };
}
