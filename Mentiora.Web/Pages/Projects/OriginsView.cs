using Mentiora.Grains.Projects;

namespace Mentiora.Web.Pages.Projects;

/// <summary>The Allowed origins dialog of one key: its publishable key, its origins, and what the last change said.</summary>
public sealed record OriginsView(ApiKeySummary Key, string BaseUrl, string? Input = null, string? Error = null, string? Notice = null);
