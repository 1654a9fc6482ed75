using Mentiora.Grains.Accounts;
using Microsoft.AspNetCore.Mvc;

namespace Mentiora.Web.Pages.Shared;

/// <summary>The navigation menu's project switcher: the user's projects, the current one first in mind.</summary>
public sealed class ProjectMenuViewComponent(IGrainFactory grains) : ViewComponent
{
    public async Task<IViewComponentResult> InvokeAsync()
    {
        var projects = await grains.GetGrain<IUserGrain>(UserClaimsPrincipal.AccountKey()).GetProjects();
        var current = RouteData.Values.TryGetValue("projectId", out var value) && Guid.TryParse(value?.ToString(), out var id)
            ? projects.FirstOrDefault(p => p.ProjectId == id)
            : null;
        return View(new ProjectMenu(projects, current ?? projects.FirstOrDefault()));
    }
}
