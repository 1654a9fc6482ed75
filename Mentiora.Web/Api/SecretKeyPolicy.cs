using Microsoft.AspNetCore.Authorization;

namespace Mentiora.Web.Api;

/// <summary>The authorization policy of every API except trace ingestion: secret keys only, never publishable ones.</summary>
public static class SecretKeyPolicy
{
    public const string Name = "SecretApiKey";

    /// <summary>Adds the policy.</summary>
    public static void Add(AuthorizationOptions options) =>
        options.AddPolicy(Name, policy => policy
            .AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName)
            .RequireClaim(ApiKeyClaims.KeyKindClaim, ApiKeyClaims.SecretKind));
}
