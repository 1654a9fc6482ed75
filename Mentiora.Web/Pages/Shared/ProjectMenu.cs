using Mentiora.Grains.Accounts;

namespace Mentiora.Web.Pages.Shared;

/// <summary>What the project switcher shows.</summary>
public sealed record ProjectMenu(IReadOnlyList<ProjectMembership> Projects, ProjectMembership? Current);
