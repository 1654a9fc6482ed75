using System.Globalization;
using Mentiora.Grains.Keys;

namespace Mentiora.Web.Api;

/// <summary>The errors the ingestion API answers with; codes are a contract with the SDKs.</summary>
public static class ApiErrors
{
    // Every message stands alone on one line and says what to do: the SDKs print only
    // "[code] message", often in a log far from the request that caused it.

    /// <summary>For a key revoked between its check and the grain call that needed it.</summary>
    public const string RevokedWhileHandled =
        "The API key was revoked while this request was handled. Create a new key in Settings → API Keys and set MENTIORA_API_KEY to it.";

    public static ApiError MissingApiKey(string message) => new(StatusCodes.Status401Unauthorized, "missing_api_key", message);

    public static ApiError InvalidApiKey(string message) => new(StatusCodes.Status401Unauthorized, "invalid_api_key", message);

    /// <summary>For a key whose expiry time has passed: says what happened and when, never whose key it was.</summary>
    public static ApiError KeyExpired(DateTimeOffset expiredAt, bool publishable) => InvalidApiKey(
        $"This {(publishable ? "publishable key" : "API key")} expired on {expiredAt.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}. Create a new key in Settings → API Keys.");

    /// <summary>For a key revoked lately (its tombstone is kept): says what happened and when, never whose key it was.</summary>
    public static ApiError KeyRevoked(DateTimeOffset revokedAt, bool publishable) => InvalidApiKey(
        $"This {(publishable ? "publishable key" : "API key")} was revoked on {revokedAt.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}. Create a new key in Settings → API Keys.");
    /// <summary>For the old key of a rolled key after its grace period: says it was replaced and when, never whose key it was.</summary>
    public static ApiError ApiKeyReplacedByRoll(DateTimeOffset rolledAt) => InvalidApiKey(
        $"This API key was replaced by a rolled key on {rolledAt.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}; use the new key.");

    public static ApiError OriginNotAllowed(string message) => new(StatusCodes.Status403Forbidden, "origin_not_allowed", message);

    public static ApiError IdentityTokenExpired() => new(StatusCodes.Status401Unauthorized, "identity_token_expired",
        "The identity token has expired. Fetch a new one from your server and send the request again.");

    public static ApiError IdentityTokenInvalid(IdentityTokenError? error) => new(StatusCodes.Status401Unauthorized, "identity_token_invalid",
        $"The identity token was refused{(error is null ? string.Empty : $": {IdentityTokenMessages.Describe(error)}")}. Sign it on your server with this API key's signing secret (HS256, claims sub, iat and exp at most one hour apart).");

    /// <summary>For an identity token signed with a signing secret a roll replaced, after its overlap: says since when, never whose key it was.</summary>
    public static ApiError IdentityTokenSignedWithReplacedSecret(DateTimeOffset? replacedAt) => new(StatusCodes.Status401Unauthorized, "identity_token_invalid",
        IdentityTokenMessages.SignedWithReplacedSecret(replacedAt));

    /// <summary>For a publishable key a roll replaced, after its overlap: says since when, never whose key it was.</summary>
    public static ApiError PublishableKeyReplaced(DateTimeOffset replacedAt) => InvalidApiKey(
        $"This publishable key was replaced by a rolled key on {replacedAt.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}; use the new publishable key from Settings → API Keys → Allowed origins.");

    public static ApiError InvalidRequest(string message, IReadOnlyDictionary<string, string>? details = null) =>
        new(StatusCodes.Status400BadRequest, "invalid_request", message, details);

    public static ApiError InsufficientPermissions(string message) => new(StatusCodes.Status403Forbidden, "insufficient_permissions", message);

    public static ApiError InvalidJson(string message) => new(StatusCodes.Status400BadRequest, "invalid_json", message);

    public static ApiError InvalidTrace(string message, IReadOnlyDictionary<string, string>? details = null) =>
        new(StatusCodes.Status400BadRequest, "invalid_trace", message, details);

    public static ApiError PayloadTooLarge(long limit) =>
        new(StatusCodes.Status413PayloadTooLarge, "payload_too_large", $"The request body is larger than this server's limit of {limit} bytes. Send fewer events per batch, or smaller inputs and outputs.");

    public static ApiError BrowserPayloadTooLarge(long limit, long serverLimit) =>
        new(StatusCodes.Status413PayloadTooLarge, "payload_too_large",
            $"The request body is larger than {limit} bytes, this server's limit for browser requests with a publishable key (Ingestion:BrowserMaxBodyBytes). Send fewer events per batch, or smaller inputs and outputs; server-side SDKs with the secret API key may send up to {serverLimit} bytes (Ingestion:MaxBodyBytes).");

    public static ApiError UnsupportedMediaType(string? contentType) =>
        new(StatusCodes.Status415UnsupportedMediaType, "unsupported_media_type",
            $"Send the trace as JSON with 'Content-Type: application/json'{(string.IsNullOrEmpty(contentType) ? " (no Content-Type was sent)" : $" (got '{contentType}')")}.");

    public static ApiError RateLimited(string message, int retryAfterSeconds) =>
        new(StatusCodes.Status429TooManyRequests, "rate_limited", message, null, retryAfterSeconds);

    public static ApiError Unavailable(string message) => new(StatusCodes.Status503ServiceUnavailable, "unavailable", message);

    public static ApiError NotFound(string path) => new(StatusCodes.Status404NotFound, "not_found", $"There is no API at {path}. Check MENTIORA_BASE_URL: traces go to POST /api/v1/traces, and GET /api/v1/whoami checks a key.");

    public static ApiError MethodNotAllowed(string method, string path) => new(StatusCodes.Status405MethodNotAllowed, "method_not_allowed", $"{method} is not supported at {path}. Send traces with POST /api/v1/traces; check a key with GET /api/v1/whoami.");

    public static ApiError Internal() => new(StatusCodes.Status500InternalServerError, "internal_error", "Something went wrong on the server. Retry the request; if it keeps failing, check the server's log.");
}
