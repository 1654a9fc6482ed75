using System.Text.Json.Serialization;

namespace Mentiora.Web.Api;

/// <summary>The answer of <c>GET /api/v1/whoami</c>: which project a key belongs to, and which key it is.</summary>
public sealed record WhoAmI(
    [property: JsonPropertyName("project")] WhoAmIProject Project,
    [property: JsonPropertyName("key")] WhoAmIKey Key);
