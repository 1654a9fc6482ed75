using System.Text.Json.Serialization;

namespace Mentiora.Web.Api;

/// <summary>The answer of the identity-token endpoint.</summary>
public sealed record IdentityTokenMinted(
    [property: JsonPropertyName("token")] string Token,
    [property: JsonPropertyName("expires_at")] DateTimeOffset ExpiresAt);
