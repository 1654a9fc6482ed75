using System.Text.Json.Serialization;

namespace Mentiora.Web.Api;

/// <summary>The project part of the whoami answer.</summary>
public sealed record WhoAmIProject(
    [property: JsonPropertyName("id")] Guid Id,
    [property: JsonPropertyName("name")] string Name);
