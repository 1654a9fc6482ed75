using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Mentiora.Web.Pages;

/// <summary>The page shown for a dashboard error status, such as a project that does not exist or is not yours.</summary>
[IgnoreAntiforgeryToken]
public sealed class StatusModel : PageModel
{
    [FromRoute]
    public int Code { get; set; }

    public string Title => Code == StatusCodes.Status404NotFound ? "Page not found" : "Something went wrong";

    public string Explanation => Code == StatusCodes.Status404NotFound
        ? "There is nothing here, or it belongs to a project you are not a member of."
        : $"The request could not be completed (status {Code}). Try again in a moment.";

    public void OnGet()
    {
    }

    // Status pages are re-executed with the original method, so a failed POST lands here too.
    public void OnPost()
    {
    }
}
