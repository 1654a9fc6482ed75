using System.Security.Claims;
using Mentiora.Grains.Keys;

namespace Mentiora.Web.Api;

/// <summary>What the bearer handler established about a request: its key, the key's project and kind, and the end user an identity token vouched for.</summary>
public sealed record ApiKeyClaims(Guid ProjectId, Guid KeyId, string KeyPrefix, bool IsSecretKey, EndUser? EndUser)
{
    /// <summary>Claim saying which kind of key authenticated: <see cref="SecretKind"/> or <see cref="PublishableKind"/>.</summary>
    public const string KeyKindClaim = "mentiora:key_kind";

    /// <summary>A secret API key: every API.</summary>
    public const string SecretKind = "secret";

    /// <summary>A publishable key: sending traces from allowed origins only.</summary>
    public const string PublishableKind = "publishable";

    private const string ProjectIdClaim = "mentiora:project_id";
    private const string KeyIdClaim = "mentiora:key_id";
    private const string KeyPrefixClaim = "mentiora:key_prefix";
    private const string EndUserIdClaim = "mentiora:end_user_id";
    private const string EndUserNameClaim = "mentiora:end_user_name";
    private const string EndUserEmailClaim = "mentiora:end_user_email";

    /// <summary>The claims as the principal of an authentication ticket.</summary>
    public ClaimsPrincipal ToPrincipal(string authenticationType)
    {
        var claims = new List<Claim>
        {
            new(ProjectIdClaim, ProjectId.ToString()),
            new(KeyIdClaim, KeyId.ToString()),
            new(KeyPrefixClaim, KeyPrefix),
            new(KeyKindClaim, IsSecretKey ? SecretKind : PublishableKind),
        };
        if (EndUser is not null)
        {
            claims.Add(new Claim(EndUserIdClaim, EndUser.Id));
            if (EndUser.Name is not null)
            {
                claims.Add(new Claim(EndUserNameClaim, EndUser.Name));
            }

            if (EndUser.Email is not null)
            {
                claims.Add(new Claim(EndUserEmailClaim, EndUser.Email));
            }
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, authenticationType));
    }

    /// <summary>The claims the bearer handler put on the principal, or null when an API key did not authenticate it.</summary>
    public static ApiKeyClaims? From(ClaimsPrincipal principal)
    {
        if (!Guid.TryParse(principal.FindFirstValue(ProjectIdClaim), out var projectId)
            || !Guid.TryParse(principal.FindFirstValue(KeyIdClaim), out var keyId))
        {
            return null;
        }

        var endUser = principal.FindFirstValue(EndUserIdClaim) is { } id
            ? new EndUser(id, principal.FindFirstValue(EndUserNameClaim), principal.FindFirstValue(EndUserEmailClaim))
            : null;
        return new ApiKeyClaims(
            projectId,
            keyId,
            principal.FindFirstValue(KeyPrefixClaim) ?? string.Empty,
            principal.FindFirstValue(KeyKindClaim) == SecretKind,
            endUser);
    }
}
