using System.Security.Claims;
using System.Text.Encodings.Web;
using Mentiora.Grains.KeyDirectory;
using Mentiora.Grains.Keys;
using Mentiora.Grains.Projects;
using Mentiora.Web.Operations;
using Mentiora.Web.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Mentiora.Web.Api;

/// <summary>
/// Authenticates <c>Authorization: Bearer &lt;key&gt;</c>: the prefix directory finds the project,
/// the project grain checks the hash in memory. No database round trip on this path.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IGrainFactory grains,
    MentioraMetrics metrics,
    AbuseLimits limits,
    KeyOwnerCache owners)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    /// <summary>The scheme name the ingestion API authorizes with.</summary>
    public const string SchemeName = "ApiKey";

    /// <summary>Claim carrying the id of the key's project.</summary>
    public const string ProjectIdClaim = "mentiora:project_id";

    /// <summary>Claim carrying the id of the key.</summary>
    public const string KeyIdClaim = "mentiora:key_id";

    /// <summary>Claim carrying the key's prefix, safe to log.</summary>
    public const string KeyPrefixClaim = "mentiora:key_prefix";

    /// <summary>Claim saying which kind of key authenticated: <see cref="SecretKind"/> or <see cref="PublishableKind"/>.</summary>
    public const string KeyKindClaim = "mentiora:key_kind";

    /// <summary>A secret API key: every API.</summary>
    public const string SecretKind = "secret";

    /// <summary>A publishable key: sending traces from allowed origins only.</summary>
    public const string PublishableKind = "publishable";

    /// <summary>Claims carrying the end user of a verified identity token.</summary>
    public const string EndUserIdClaim = "mentiora:end_user_id";

    public const string EndUserNameClaim = "mentiora:end_user_name";

    public const string EndUserEmailClaim = "mentiora:end_user_email";

    /// <summary>The header the browser SDK sends identity tokens in.</summary>
    public const string IdentityTokenHeader = "X-Mentiora-Identity-Token";

    private const string BearerScheme = "Bearer";

    private const string HowToSend = "Send 'Authorization: Bearer <your API key>'.";

    private const string NotAValidKey =
        "The API key is not valid. It may have been revoked or mistyped; check MENTIORA_API_KEY, or create a new key in Settings → API Keys.";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var headers = Request.Headers.Authorization;
        if (headers.Count > 0 && limits.IsBlockedForFailedAuthentications(Context.Connection.RemoteIpAddress))
        {
            // Guessing keys from one address gets slow: its requests are refused without looking at the key.
            return Refuse(ApiErrors.RateLimited("Too many requests with invalid keys came from this address. Wait a minute, then retry with a valid key.", 60));
        }

        if (headers.Count == 0)
        {
            // No header at all: let the challenge say what is missing.
            return AuthenticateResult.NoResult();
        }

        if (headers.Count > 1)
        {
            return Refuse(ApiErrors.InvalidApiKey($"Send exactly one Authorization header; this request has {headers.Count}."));
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
            return Refuse(ApiErrors.MissingApiKey($"The Authorization header has no key after 'Bearer'. {HowToSend}"));
        }

        if (key.Any(char.IsWhiteSpace))
        {
            return Refuse(ApiErrors.InvalidApiKey(
                "The API key contains whitespace. Check MENTIORA_API_KEY for spaces, line breaks or quotes copied along with the key."));
        }

        if (key.StartsWith(ApiKeyMaterial.PublishablePrefix, StringComparison.Ordinal))
        {
            return await AuthenticateBrowserAsync(key);
        }

        if (key.Length == ApiKeyMaterial.PrefixLength)
        {
            return Refuse(ApiErrors.InvalidApiKey(
                "This is the key prefix shown in the list, not the key. Use the full 43-character key that was shown once when it was created; if it is lost, create a new key."));
        }

        if (!ApiKeyMaterial.LooksLikeSecretKey(key))
        {
            return Refuse(ApiErrors.InvalidApiKey(
                $"The API key is malformed: a Mentiora API key is {ApiKeyMaterial.KeyLength} characters of letters, digits, '-' and '_'; this one has {key.Length}."));
        }

        var prefix = ApiKeyMaterial.PrefixOf(key);
        var authenticated = await CheckSecretKeyAsync(prefix, ApiKeyMaterial.Hash(key));
        if (authenticated is null)
        {
            Logger.LogInformation("Refused an API key with prefix {KeyPrefix}: no such key", prefix);
            return Refuse(ApiErrors.InvalidApiKey(NotAValidKey));
        }

        return Success(authenticated, SecretKind, null);
    }

    private async Task<AuthenticateResult> AuthenticateBrowserAsync(string publishableKey)
    {
        var origin = Request.Headers.Origin.ToString();
        if (origin.Length == 0)
        {
            return Refuse(ApiErrors.OriginNotAllowed(
                "Publishable keys (pk_live_…) work only from web pages, whose browsers send an Origin header. On a server, use the secret API key."));
        }

        var token = Request.Headers[IdentityTokenHeader].ToString();
        var (owner, result) = await CheckPublishableKeyAsync(publishableKey, origin, token.Length == 0 ? null : token);
        switch (result?.Outcome)
        {
            case null or BrowserAuthenticationOutcome.UnknownKey:
                return Refuse(ApiErrors.InvalidApiKey(
                    "The publishable key is not valid. Its API key may have been revoked; copy the current publishable key from Settings → API Keys."));
            case BrowserAuthenticationOutcome.OriginNotAllowed:
                Logger.LogInformation("Refused a publishable key of project {ProjectId} from origin {Origin}", owner!.ProjectId, origin);
                return Refuse(ApiErrors.OriginNotAllowed(
                    $"The origin {origin} is not allowed for this publishable key. Add it in Settings → API Keys → Allowed origins."));
            case BrowserAuthenticationOutcome.IdentityTokenExpired:
                return Refuse(ApiErrors.IdentityTokenExpired());
            case BrowserAuthenticationOutcome.IdentityTokenInvalid:
                return Refuse(ApiErrors.IdentityTokenInvalid(result.Problem));
            default:
                return Success(result.Key!, PublishableKind, result.User);
        }
    }

    // The owner comes from this silo's cache when it has it; the project grain decides either way.
    private async Task<AuthenticatedApiKey?> CheckSecretKeyAsync(string prefix, byte[] hash)
    {
        if (owners.TryGet(prefix, out var cached))
        {
            var checkedByCachedOwner = await grains.GetGrain<IProjectApiGrain>(cached.ProjectId).Authenticate(prefix, hash);
            if (checkedByCachedOwner is not null)
            {
                return checkedByCachedOwner;
            }

            // Revoked, mistyped, or the prefix now belongs to another key: the directory knows.
            owners.Forget(prefix);
        }

        var owner = await grains.GetGrain<IKeyDirectoryGrain>(KeyDirectoryKeys.ForSecretKeyPrefix(prefix)).GetOwner();
        if (owner is null)
        {
            return null;
        }

        var authenticated = await grains.GetGrain<IProjectApiGrain>(owner.ProjectId).Authenticate(prefix, hash);
        if (authenticated is not null)
        {
            owners.Remember(prefix, owner);
        }

        return authenticated;
    }

    private async Task<(KeyOwner? Owner, BrowserAuthentication? Result)> CheckPublishableKeyAsync(string publishableKey, string origin, string? token)
    {
        if (owners.TryGet(publishableKey, out var cached))
        {
            var checkedByCachedOwner = await grains.GetGrain<IProjectApiGrain>(cached.ProjectId).AuthenticateBrowser(publishableKey, origin, token);
            if (checkedByCachedOwner.Outcome != BrowserAuthenticationOutcome.UnknownKey)
            {
                return (cached, checkedByCachedOwner);
            }

            owners.Forget(publishableKey);
        }

        var owner = await grains.GetGrain<IKeyDirectoryGrain>(KeyDirectoryKeys.ForPublishableKey(publishableKey)).GetOwner();
        if (owner is null)
        {
            return (null, null);
        }

        var result = await grains.GetGrain<IProjectApiGrain>(owner.ProjectId).AuthenticateBrowser(publishableKey, origin, token);
        if (result.Outcome != BrowserAuthenticationOutcome.UnknownKey)
        {
            owners.Remember(publishableKey, owner);
        }

        return (owner, result);
    }

    private static AuthenticateResult Success(AuthenticatedApiKey key, string kind, EndUser? user)
    {
        var claims = new List<Claim>
        {
            new(ProjectIdClaim, key.ProjectId.ToString()),
            new(KeyIdClaim, key.KeyId.ToString()),
            new(KeyPrefixClaim, key.Prefix),
            new(KeyKindClaim, kind),
        };
        if (user is not null)
        {
            claims.Add(new Claim(EndUserIdClaim, user.Id));
            if (user.Name is not null)
            {
                claims.Add(new Claim(EndUserNameClaim, user.Name));
            }

            if (user.Email is not null)
            {
                claims.Add(new Claim(EndUserEmailClaim, user.Email));
            }
        }

        var identity = new ClaimsIdentity(claims, SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var error = Context.Items[typeof(ApiError)] as ApiError
            ?? ApiErrors.MissingApiKey($"This API needs an API key. {HowToSend}");
        await error.WriteAsync(Response);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        ApiErrors.InsufficientPermissions(
            "Publishable keys may only send traces. Call this API from your server with the secret API key.").WriteAsync(Response);

    private AuthenticateResult Refuse(ApiError error)
    {
        // The challenge runs later in the pipeline; it writes this error instead of a generic one.
        Context.Items[typeof(ApiError)] = error;
        metrics.AuthenticationFailed(error.Code);
        if (error.Status == StatusCodes.Status401Unauthorized)
        {
            limits.FailedAuthentication(Context.Connection.RemoteIpAddress);
        }

        return AuthenticateResult.Fail(error.Message);
    }
}
