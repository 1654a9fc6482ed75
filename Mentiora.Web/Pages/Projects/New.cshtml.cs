using System.ComponentModel.DataAnnotations;
using Mentiora.Grains.Accounts;
using Mentiora.Grains.Projects;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Mentiora.Web.Pages.Projects;

/// <summary>Creates another project owned by the signed-in user.</summary>
public sealed class NewModel(IGrainFactory grains) : PageModel
{
    [BindProperty, Display(Name = "Project name")]
    public string Name { get; set; } = string.Empty;

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!ProjectNames.TryNormalize(Name, out var name))
        {
            ModelState.AddModelError(nameof(Name), $"Give the project a name of 1 to {ProjectNames.MaxLength} characters.");
            return Page();
        }

        var projectId = await grains.GetGrain<IUserGrain>(User.AccountKey()).CreateProject(name);
        return RedirectToPage("/Projects/Settings", new { projectId });
    }
}
