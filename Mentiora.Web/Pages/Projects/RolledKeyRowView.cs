using Mentiora.Grains.Projects;

namespace Mentiora.Web.Pages.Projects;

/// <summary>The row of a rolled key's old key, shown under the key that replaced it while it still works.</summary>
public sealed record RolledKeyRowView(ApiKeySummary Key, PredecessorSummary Old, DateTimeOffset Now);
