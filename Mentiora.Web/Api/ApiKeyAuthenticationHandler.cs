using System.Text.Encodings.Web;
using Mentiora.Grains.KeyDirectory;
using Mentiora.Grains.Keys;
using Mentiora.Grains.Projects;
using Mentiora.Grains.Secrets;
using Mentiora.Grains.Usage;
using Mentiora.Web.Operations;
using Mentiora.Web.Security;
using Mentiora.Web.Usage;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Mentiora.Web.Api;

/// <summary>
/// Authenticates <c>Authorization: Bearer &lt;key&gt;</c> and issues <see cref="ApiKeyClaims"/>: the key
/// directory finds the project, the project grain checks the key in memory. No database round trip on this path.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IGrainFactory grains,
    MentioraMetrics metrics,
    AbuseLimits limits,
    KeyOwnerCache owners,
    GrainCallRetry retry,
    KeyUsageRecorder usage)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    /// <summary>The scheme name the ingestion API authorizes with.</summary>
    public const string SchemeName = "ApiKey";

    /// <summary>The header the browser SDK sends identity tokens in.</summary>
    public const string IdentityTokenHeader = "X-Mentiora-Identity-Token";

    private const string BearerScheme = "Bearer";

    private const string HowToSend = "Send 'Authorization: Bearer <your API key>' (the SDK does when MENTIORA_API_KEY is passed as its API key).";

    private const string SecretKeyInBrowser =
        "A secret API key must not be used in a web page, where anyone can read it. In browsers use this key's publishable key (pk_live_…, shown in Settings → API Keys → Allowed origins), and keep the secret key on your server.";

    // Guessing keys from one address gets slow: its unknown keys are refused without being looked up.
    private static readonly ApiError TooManyInvalidKeys = ApiErrors.RateLimited(
        "Too many requests with invalid API keys came from this address. Wait a minute, then retry with a valid key (check MENTIORA_API_KEY).", (int)AbuseLimits.Window.TotalSeconds);

    private const string NotAValidKey =
        "The API key is not valid. It may have been revoked or mistyped; check MENTIORA_API_KEY, or create a new key in Settings → API Keys.";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var headers = Request.Headers.Authorization;
        if (headers.Count == 0)
        {
            // No header at all: let the challenge say what is missing.
            return AuthenticateResult.NoResult();
        }

        if (headers.Count > 1)
        {
            return Refuse(ApiErrors.InvalidApiKey($"This request has {headers.Count} Authorization headers. Send exactly one: 'Authorization: Bearer <your API key>'."));
        }

        var header = headers[0] ?? string.Empty;
        if (!header.StartsWith(BearerScheme, StringComparison.OrdinalIgnoreCase)
            || (header.Length > BearerScheme.Length && header[BearerScheme.Length] != ' '))
        {
            return Refuse(ApiErrors.MissingApiKey($"The Authorization header does not use the Bearer scheme. {HowToSend}"));
        }

        var key = header.Length > BearerScheme.Length ? header[(BearerScheme.Length + 1)..] : string.Empty;
        if (string.IsNullOrWhiteSpace(key))
        {
            return Refuse(ApiErrors.MissingApiKey($"The Authorization header has no key after 'Bearer'; MENTIORA_API_KEY may be empty or unset. {HowToSend}"));
        }

        if (key.Any(char.IsWhiteSpace))
        {
            await NoteRefusalByPrefixAsync(key.Trim(), KeyRefusalReason.Whitespace);
            return Refuse(ApiErrors.InvalidApiKey(
                "The API key contains whitespace. Check MENTIORA_API_KEY for spaces, line breaks or quotes copied along with the key."), countAgainstAddress: true);
        }

        if (key.StartsWith(ApiKeyMaterial.PublishablePrefix, StringComparison.Ordinal))
        {
            return await AuthenticateBrowserAsync(key);
        }

        if (key.Length == ApiKeyMaterial.PrefixLength)
        {
            await NoteRefusalByPrefixAsync(key, KeyRefusalReason.PrefixOnly);
            return Refuse(ApiErrors.InvalidApiKey(
                "This is the key prefix shown in the list, not the key. Use the full 43-character key that was shown once when it was created; if it is lost, create a new key."), countAgainstAddress: true);
        }

        if (!ApiKeyMaterial.LooksLikeSecretKey(key))
        {
            return Refuse(ApiErrors.InvalidApiKey(
                $"The API key is malformed: a Mentiora API key is {ApiKeyMaterial.KeyLength} characters of letters, digits, '-' and '_', and this one has {key.Length}. Set MENTIORA_API_KEY to the whole key shown when it was created."));
        }

        var prefix = ApiKeyMaterial.PrefixOf(key);
        var hash = ApiKeyMaterial.Hash(key);
        var (owner, checkedKey, blocked) = await CheckWithOwnerAsync(
            KeyDirectoryKeys.ForSecretKeyPrefix(prefix), hash, project => project.Authenticate(prefix, hash),
            result => result.Outcome != SecretKeyAuthenticationOutcome.UnknownKey);
        if (checkedKey is { Outcome: SecretKeyAuthenticationOutcome.Expired, ExpiredAt: { } expiredAt })
        {
            // The whole key matched, so this is its holder, not a guess: no count against the address.
            // Its owner sees that something still sends it, in the key's usage.
            if (owner is not null)
            {
                usage.Refused(owner.ProjectId, prefix, KeyRefusalReason.KeyExpired, Context);
            }

            Logger.LogInformation("Refused the API key with prefix {KeyPrefix}: it expired at {ExpiredAt}", prefix, expiredAt);
            return Refuse(ApiErrors.KeyExpired(expiredAt, publishable: false));
        }

        if (checkedKey is { Outcome: SecretKeyAuthenticationOutcome.Revoked, RevokedAt: { } revokedAt })
        {
            // As for an expired key: the whole key matched a tombstone, so no count against the address.
            Logger.LogInformation("Refused the API key with prefix {KeyPrefix}: it was revoked at {RevokedAt}", prefix, revokedAt);
            return Refuse(ApiErrors.KeyRevoked(revokedAt, publishable: false));
        }

        if (checkedKey is { Outcome: SecretKeyAuthenticationOutcome.Replaced, ReplacedAt: { } rolledAt })
        {
            // The whole old key matched: its holder, not a guess, is told to move to the new key.
            Logger.LogInformation("Refused the API key with prefix {KeyPrefix}: it was replaced by a rolled key at {RolledAt}", prefix, rolledAt);
            return Refuse(ApiErrors.ApiKeyReplacedByRoll(rolledAt));
        }

        var authenticated = checkedKey?.Key;
        if (authenticated is null)
        {
            if (owner is not null)
            {
                // The prefix is one of that project's keys, the rest is not: its owner should see the attempt.
                usage.Refused(owner.ProjectId, prefix, KeyRefusalReason.InvalidApiKey, Context);
            }

            if (blocked)
            {
                return Refuse(TooManyInvalidKeys);
            }

            Logger.LogInformation("Refused an API key with prefix {KeyPrefix}: no such key", prefix);
            return Refuse(ApiErrors.InvalidApiKey(NotAValidKey), countAgainstAddress: true);
        }

        if (Request.Headers.ContainsKey(HeaderNames.Origin))
        {
            // Only a browser sends Origin (servers' SDKs do not): the secret key is in a web page,
            // where every visitor can read it. Refused although valid, so the mistake is found before
            // it ships; its owner sees it in the key's usage, since the key should now be replaced.
            usage.Refused(authenticated.ProjectId, prefix, KeyRefusalReason.SecretKeyInBrowser, Context);
            Logger.LogWarning("Refused the secret API key with prefix {KeyPrefix} of project {ProjectId}: it was sent from a web page ({Origin})",
                prefix, authenticated.ProjectId, Request.Headers.Origin.ToString());
            return Refuse(ApiErrors.InsufficientPermissions(SecretKeyInBrowser));
        }

        return Success(authenticated, isSecretKey: true, null);
    }

    private async Task<AuthenticateResult> AuthenticateBrowserAsync(string publishableKey)
    {
        var origin = Request.Headers.Origin.ToString();
        if (origin.Length == 0)
        {
            return Refuse(ApiErrors.OriginNotAllowed(
                "Publishable keys (pk_live_…) work only from web pages, whose browsers send an Origin header. On a server, use the secret API key."));
        }

        if (!ApiKeyMaterial.LooksLikePublishableKey(publishableKey))
        {
            return Refuse(ApiErrors.InvalidApiKey(
                $"The publishable key is malformed: a publishable key is {ApiKeyMaterial.PublishablePrefix} followed by 32 characters of letters, digits, '-' and '_', and this one has {publishableKey.Length - ApiKeyMaterial.PublishablePrefix.Length}. Copy it from Settings → API Keys → Allowed origins."));
        }

        var token = Request.Headers[IdentityTokenHeader].ToString();
        var identityToken = token.Length == 0 ? null : new SecretText(token);
        var (owner, result, blocked) = await CheckWithOwnerAsync(
            KeyDirectoryKeys.ForPublishableKey(publishableKey),
            secretKeyHash: null,
            project => project.AuthenticateBrowser(publishableKey, origin, identityToken),
            checkedKey => checkedKey.Outcome != BrowserAuthenticationOutcome.UnknownKey);
        if (owner is not null && result is not null && BrowserRefusalReason(result.Outcome) is { } refusal)
        {
            usage.Refused(owner.ProjectId, publishableKey, refusal, Context);
        }

        switch (result?.Outcome)
        {
            case null or BrowserAuthenticationOutcome.UnknownKey when blocked:
                return Refuse(TooManyInvalidKeys);
            case null or BrowserAuthenticationOutcome.UnknownKey:
                return Refuse(ApiErrors.InvalidApiKey(
                    "The publishable key is not valid. Its API key may have been revoked; copy the current publishable key from Settings → API Keys."), countAgainstAddress: true);
            case BrowserAuthenticationOutcome.OriginNotAllowed:
                Logger.LogInformation("Refused a publishable key of project {ProjectId} from origin {Origin}", owner!.ProjectId, origin);
                return Refuse(ApiErrors.OriginNotAllowed(
                    $"The origin {origin} is not allowed for this publishable key. Add it in Settings → API Keys → Allowed origins."));
            case BrowserAuthenticationOutcome.KeyExpired:
                return Refuse(ApiErrors.KeyExpired(result.KeyExpiredAt ?? DateTimeOffset.MinValue, publishable: true));
            case BrowserAuthenticationOutcome.KeyRevoked:
                return Refuse(ApiErrors.KeyRevoked(result.KeyRevokedAt ?? DateTimeOffset.MinValue, publishable: true));
            case BrowserAuthenticationOutcome.IdentityTokenExpired:
                return Refuse(ApiErrors.IdentityTokenExpired());
            case BrowserAuthenticationOutcome.PublishableKeyReplaced:
                return Refuse(ApiErrors.PublishableKeyReplaced(result.PublishableKeyReplacedAt ?? DateTimeOffset.MinValue));
            case BrowserAuthenticationOutcome.IdentityTokenInvalid when result.TokenError is { Problem: IdentityTokenProblem.SigningSecretReplaced } replaced:
                return Refuse(ApiErrors.IdentityTokenSignedWithReplacedSecret(replaced.ReplacedAt));
            case BrowserAuthenticationOutcome.IdentityTokenInvalid:
                return Refuse(ApiErrors.IdentityTokenInvalid(result.TokenError));
            default:
                return Success(result.Key!, isSecretKey: false, result.User);
        }
    }

    // A mistake that stops before the key check (whitespace, the prefix alone) still belongs to the
    // key whose prefix it starts with, if any. Only refused requests pay for this lookup, and a
    // failing directory must not turn the 401 into a 503: the count is a help, the answer is not.
    private async Task NoteRefusalByPrefixAsync(string attempt, KeyRefusalReason reason)
    {
        // A prefix padded to a key's length has a key's shape exactly when the prefix is base64url;
        // "pk_live_" has that shape but is no secret key's prefix.
        if (attempt.Length < ApiKeyMaterial.PrefixLength
            || attempt.StartsWith(ApiKeyMaterial.PublishablePrefix, StringComparison.Ordinal)
            || !ApiKeyMaterial.LooksLikeSecretKey(attempt[..ApiKeyMaterial.PrefixLength].PadRight(ApiKeyMaterial.KeyLength, 'A')))
        {
            return;
        }

        var prefix = attempt[..ApiKeyMaterial.PrefixLength];
        var directoryKey = KeyDirectoryKeys.ForSecretKeyPrefix(prefix);
        try
        {
            // A blocked address gets no directory lookups, not even for this count.
            var owner = owners.TryGet(directoryKey, out var cached) ? cached
                : limits.IsBlockedForFailedAuthentications(Context.Connection.RemoteIpAddress) ? null
                : await grains.GetGrain<IKeyDirectoryGrain>(directoryKey).GetOwner();
            if (owner is not null)
            {
                usage.Refused(owner.ProjectId, prefix, reason, Context);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Logger.LogDebug(e, "Could not look up the owner of prefix {KeyPrefix} to count a refusal", prefix);
        }
    }

    private static KeyRefusalReason? BrowserRefusalReason(BrowserAuthenticationOutcome outcome) => outcome switch
    {
        BrowserAuthenticationOutcome.OriginNotAllowed => KeyRefusalReason.OriginNotAllowed,
        BrowserAuthenticationOutcome.IdentityTokenExpired => KeyRefusalReason.IdentityTokenExpired,
        BrowserAuthenticationOutcome.IdentityTokenInvalid => KeyRefusalReason.IdentityTokenInvalid,
        BrowserAuthenticationOutcome.KeyExpired => KeyRefusalReason.KeyExpired,
        BrowserAuthenticationOutcome.PublishableKeyReplaced => KeyRefusalReason.InvalidApiKey,
        _ => null,
    };

    // Every grain call goes through the retry: a key whose grains lived on a silo that just died is
    // answered once membership has moved them, instead of 503 at once (see GrainCallRetry).
    // The owner comes from this silo's cache when it has it; the project grain decides either way.
    // knowsKey says whether the project holds the key. A key this silo cannot place is one a client
    // may be guessing, so from here on it costs what guessing should: nothing when it was found
    // unknown moments ago, nothing for an address that has failed too often (Blocked), and a
    // directory lookup otherwise. Unknown keys are remembered by the whole key: a secret key by its
    // hash (encoded only here, off the path of valid keys), a publishable key by its directory entry.
    // A valid key whose owner this silo knows is never held back by its address, so one bad client
    // behind a shared address does not shut out the others.
    private async Task<(KeyOwner? Owner, T? Result, bool Blocked)> CheckWithOwnerAsync<T>(
        string directoryKey, byte[]? secretKeyHash, Func<IProjectApiGrain, Task<T>> check, Func<T, bool> knowsKey)
    {
        var checkedByCachedOwner = default(T);
        if (owners.TryGet(directoryKey, out var cached))
        {
            checkedByCachedOwner = await retry.CallAsync("project", () => check(grains.GetGrain<IProjectApiGrain>(cached.ProjectId)));
            if (knowsKey(checkedByCachedOwner))
            {
                return (cached, checkedByCachedOwner, false);
            }
        }

        var wholeKey = secretKeyHash is null ? directoryKey : Convert.ToBase64String(secretKeyHash);
        var blocked = limits.IsBlockedForFailedAuthentications(Context.Connection.RemoteIpAddress);
        if (owners.IsUnknown(wholeKey, out var knownOwner))
        {
            return (knownOwner, checkedByCachedOwner, blocked);
        }

        if (blocked)
        {
            return (cached, checkedByCachedOwner, true);
        }

        var owner = await retry.CallAsync("key directory", () => grains.GetGrain<IKeyDirectoryGrain>(directoryKey).GetOwner());
        if (owner is not null && owner == cached)
        {
            // The entry still points where the cache said, and that project has just said no.
            owners.RememberUnknown(wholeKey, owner);
            return (owner, checkedByCachedOwner, false);
        }

        if (cached is not null)
        {
            owners.Forget(directoryKey);
        }

        if (owner is null)
        {
            owners.RememberUnknown(wholeKey, null);
            return (null, default, false);
        }

        var result = await retry.CallAsync("project", () => check(grains.GetGrain<IProjectApiGrain>(owner.ProjectId)));
        if (knowsKey(result))
        {
            owners.Remember(directoryKey, owner);
        }
        else
        {
            owners.RememberUnknown(wholeKey, owner);
        }

        return (owner, result, false);
    }

    private static AuthenticateResult Success(AuthenticatedApiKey key, bool isSecretKey, EndUser? user)
    {
        var claims = new ApiKeyClaims(key.ProjectId, key.KeyId, key.Prefix, isSecretKey, user);
        return AuthenticateResult.Success(new AuthenticationTicket(claims.ToPrincipal(SchemeName), SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var error = Context.Items[typeof(ApiError)] as ApiError
            ?? ApiErrors.MissingApiKey($"No API key was sent. {HowToSend}");
        await error.WriteAsync(Response);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        ApiErrors.InsufficientPermissions(
            "Publishable keys may only send traces. Call this API from your server with the secret API key.").WriteAsync(Response);

    // countAgainstAddress: only a key that had to be looked up and belongs to no key counts toward
    // the address's limit. A malformed key is refused without a lookup, and a valid key refused
    // for its origin, its identity token or its place in a browser is no guess.
    private AuthenticateResult Refuse(ApiError error, bool countAgainstAddress = false)
    {
        // The challenge runs later in the pipeline; it writes this error instead of a generic one.
        Context.Items[typeof(ApiError)] = error;
        metrics.AuthenticationFailed(error.Code);
        if (countAgainstAddress)
        {
            limits.FailedAuthentication(Context.Connection.RemoteIpAddress);
        }

        return AuthenticateResult.Fail(error.Message);
    }
}
