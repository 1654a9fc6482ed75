using System.Security.Claims;

namespace Mentiora.Web.Api;

/// <summary>Reads the API key a request authenticated with, for controllers behind the bearer scheme.</summary>
public static class ApiKeyPrincipal
{
    /// <summary>The key that authenticated this principal.</summary>
    /// <exception cref="InvalidOperationException">The principal was not authenticated by an API key.</exception>
    public static ApiKeyClaims ApiKey(this ClaimsPrincipal user) =>
        ApiKeyClaims.From(user) ?? throw new InvalidOperationException("The request was not authenticated with an API key.");
}
