using Mentiora.Grains.Projects;
using Mentiora.Web.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace Mentiora.Web.Api;

/// <summary>
/// Answers "which project and key is this?" from a terminal or a page. Authenticated exactly like
/// trace ingestion (secret keys, or publishable keys from an allowed origin), so a refusal here is
/// the refusal a trace would get. Authenticating notes the key's use, so a whoami moves Last used.
/// </summary>
[Route("api/v1/whoami")]
[Authorize(AuthenticationSchemes = ApiKeyAuthenticationHandler.SchemeName)]
[EnableRateLimiting(KeyRateLimit.PolicyName)]
public sealed class WhoAmIController(IGrainFactory grains, GrainCallRetry retry) : ControllerBase
{
    /// <summary>Describes the authenticated key and its project.</summary>
    [HttpGet]
    public async Task<IActionResult> Get()
    {
        var key = User.ApiKey();
        // Safe to retry: describing reads only.
        var description = await retry.CallAsync("project", () => grains.GetGrain<IProjectApiGrain>(key.ProjectId).Describe(key.KeyId));
        if (description is null)
        {
            return ApiErrors.InvalidApiKey(ApiErrors.RevokedWhileHandled).ToResult();
        }

        return Ok(new WhoAmI(
            new WhoAmIProject(description.ProjectId, description.ProjectName),
            new WhoAmIKey(
                description.KeyName,
                description.Prefix,
                key.IsSecretKey ? ApiKeyClaims.SecretKind : ApiKeyClaims.PublishableKind,
                description.CreatedAt.UtcDateTime,
                description.LastUsedAt?.UtcDateTime,
                description.ExpiresAt?.UtcDateTime)));
    }
}
