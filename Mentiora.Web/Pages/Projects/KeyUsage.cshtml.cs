using Mentiora.Grains.Projects;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Mentiora.Web.Pages.Projects;

/// <summary>
/// One key's usage: its own page without JavaScript, the Key usage dialog's content with htmx.
/// Read from the project grain's memory, so no database query.
/// </summary>
public sealed class KeyUsageModel(IGrainFactory grains, TimeProvider clock) : PageModel
{
    [FromRoute]
    public Guid ProjectId { get; set; }

    [FromRoute]
    public Guid KeyId { get; set; }

    public KeyUsageView View { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync()
    {
        var usage = await grains.GetGrain<IProjectDashboardGrain>(ProjectId).GetKeyUsage(User.AccountKey(), KeyId);
        if (usage is null)
        {
            return NotFound();
        }

        View = new KeyUsageView(usage, clock.GetUtcNow(), Url.Page("/Projects/Settings", new { projectId = ProjectId })!);
        ViewData["Title"] = KeyUsageMessages.Heading(usage);
        return Request.IsHtmx() ? Partial("_KeyUsage", View) : Page();
    }
}
