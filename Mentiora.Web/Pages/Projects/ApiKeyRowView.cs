using Mentiora.Grains.Projects;

namespace Mentiora.Web.Pages.Projects;

/// <summary>One row of the API keys table, shown normally or with its rename field open.</summary>
public sealed record ApiKeyRowView(ApiKeySummary Key, bool Renaming, string? RenameError, DateTimeOffset Now);
