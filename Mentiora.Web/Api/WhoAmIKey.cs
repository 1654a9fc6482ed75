using System.Text.Json.Serialization;

namespace Mentiora.Web.Api;

/// <summary>
/// The key part of the whoami answer. Times are UTC (DateTime of kind Utc, so they are written
/// with a "Z"); <c>expires_at</c> is null for a key that never expires.
/// </summary>
public sealed record WhoAmIKey(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("prefix")] string Prefix,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("created_at")] DateTime CreatedAt,
    [property: JsonPropertyName("last_used_at")] DateTime? LastUsedAt,
    [property: JsonPropertyName("expires_at")] DateTime? ExpiresAt);
