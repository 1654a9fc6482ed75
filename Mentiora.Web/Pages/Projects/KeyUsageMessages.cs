using Mentiora.Grains.Usage;

namespace Mentiora.Web.Pages.Projects;

/// <summary>The words of the Key usage dialog: what each refusal reason means and what to check, after the product's Troubleshooting section.</summary>
public static class KeyUsageMessages
{
    /// <summary>Said under the figures: they reach the page through the once-a-second reports and the grain.</summary>
    public const string Lag = "Counts may lag by up to a minute.";

    /// <summary>A short name of the reason, next to the error code the SDK showed.</summary>
    public static string Describe(KeyRefusalReason reason) => reason switch
    {
        KeyRefusalReason.InvalidApiKey => "Wrong key with this prefix",
        KeyRefusalReason.Whitespace => "Key with whitespace",
        KeyRefusalReason.PrefixOnly => "Only the prefix sent",
        KeyRefusalReason.OriginNotAllowed => "Origin not allowed",
        KeyRefusalReason.IdentityTokenExpired => "Identity token expired",
        KeyRefusalReason.IdentityTokenInvalid => "Identity token invalid",
        KeyRefusalReason.RateLimited => "Rate limited",
        KeyRefusalReason.PayloadTooLarge => "Payload too large",
        KeyRefusalReason.InvalidTrace => "Invalid trace",
        KeyRefusalReason.InvalidJson => "Invalid JSON",
        KeyRefusalReason.SecretKeyInBrowser => "Secret key sent from a web page",
        KeyRefusalReason.KeyExpired => "Key expired",
        _ => reason.ToString(),
    };

    /// <summary>One line on what to check for the reason.</summary>
    public static string Hint(KeyRefusalReason reason) => reason switch
    {
        KeyRefusalReason.InvalidApiKey =>
            "Verify the API key is correct and hasn't been revoked, and that the environment variable name is exactly MENTIORA_API_KEY.",
        KeyRefusalReason.Whitespace => "Check for trailing whitespace or newlines in your environment variable.",
        KeyRefusalReason.PrefixOnly => "Ensure you copied the full key, not just the 8-character prefix shown in the list.",
        KeyRefusalReason.OriginNotAllowed => "Add the page's origin under Allowed origins, or check the page is served from the origin you allowed.",
        KeyRefusalReason.IdentityTokenExpired => "Have your server issue a fresh identity token; the browser SDK refreshes it once on a 401.",
        KeyRefusalReason.IdentityTokenInvalid =>
            "Sign the identity token with this key's signing secret (HS256) and include sub, iat and exp at most one hour apart.",
        KeyRefusalReason.RateLimited => "The key sent more requests per second than its limit; the SDK retries after the Retry-After delay.",
        KeyRefusalReason.PayloadTooLarge => "Send smaller traces: trim large inputs and outputs, or split a batch.",
        KeyRefusalReason.InvalidTrace => "A trace had a missing or malformed field; the error message names each field and why.",
        KeyRefusalReason.InvalidJson => "The body was not valid JSON; send the trace as the SDK builds it.",
        KeyRefusalReason.SecretKeyInBrowser =>
            "A web page sent this secret key, so its visitors can read it: use the publishable key (pk_live_…) in browsers, and replace this key with a new one.",
        KeyRefusalReason.KeyExpired =>
            "Something still sends this key after it expired: create a new key, set it where this one is used, then revoke this one.",
        _ => string.Empty,
    };

    /// <summary>The dialog's heading.</summary>
    public static string Heading(KeyUsageSummary usage) =>
        $"Usage of {(usage.KeyName.Length > 0 ? usage.KeyName : $"{KeyLabels.Unnamed} ({usage.KeyPrefix}…)")}";

    /// <summary>A value the request did not send.</summary>
    public static string OrNone(string? value) => string.IsNullOrEmpty(value) ? "—" : value;
}
