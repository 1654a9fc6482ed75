namespace Mentiora.Grains.Usage;

/// <summary>Why a request with one of a project's keys was refused; stored by number, so never renumber.</summary>
public enum KeyRefusalReason
{
    /// <summary>The key's prefix matched but the rest did not (mistyped, truncated or an old key).</summary>
    InvalidApiKey = 0,

    /// <summary>The key arrived with spaces, line breaks or quotes around or inside it.</summary>
    Whitespace = 1,

    /// <summary>Only the 8-character prefix shown in the list was sent.</summary>
    PrefixOnly = 2,

    /// <summary>A browser sent the publishable key from an origin the key does not allow.</summary>
    OriginNotAllowed = 3,

    /// <summary>The identity token had expired.</summary>
    IdentityTokenExpired = 4,

    /// <summary>The identity token was malformed, badly signed or missing claims.</summary>
    IdentityTokenInvalid = 5,

    /// <summary>The key sent more requests than its rate limit.</summary>
    RateLimited = 6,

    /// <summary>The body was larger than the limit.</summary>
    PayloadTooLarge = 7,

    /// <summary>The body was JSON but not a valid trace event.</summary>
    InvalidTrace = 8,

    /// <summary>The body was not JSON at all.</summary>
    InvalidJson = 9,

    /// <summary>A valid secret key arrived from a web page (with an Origin header), where anyone can read it.</summary>
    SecretKeyInBrowser = 10,

    /// <summary>The key (or its publishable key) was sent after its expiry time.</summary>
    KeyExpired = 11,
}
