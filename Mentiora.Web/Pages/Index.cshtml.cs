using Mentiora.Grains.Accounts;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Mentiora.Web.Pages;

/// <summary>The front door: signed-in people go straight to their first project.</summary>
public sealed class IndexModel(IGrainFactory grains) : PageModel
{
    public async Task<IActionResult> OnGetAsync()
    {
        if (User.Identity?.IsAuthenticated != true)
        {
            return Page();
        }

        var projects = await grains.GetGrain<IUserGrain>(User.AccountKey()).GetProjects();
        return projects.Count == 0
            ? RedirectToPage("/Projects/New")
            : RedirectToPage("/Projects/Traces", new { projectId = projects[0].ProjectId });
    }
}
