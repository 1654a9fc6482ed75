using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Mentiora.Web.Pages;

/// <summary>The page shown for a dashboard error status, such as a project that does not exist or is not yours.</summary>
[IgnoreAntiforgeryToken]
public sealed class StatusModel : PageModel
{
    [FromRoute]
    public int Code { get; set; }

    public string Title => Code switch
    {
        StatusCodes.Status404NotFound => "Page not found",
        StatusCodes.Status403Forbidden => "No access",
        _ => "Something went wrong",
    };

    public string Explanation => Code switch
    {
        StatusCodes.Status404NotFound => "There is nothing here, or it belongs to a project you are not a member of.",
        StatusCodes.Status403Forbidden => "Your account may not open this page. Operations pages are for the accounts whose id is named in Operators:AccountIds.",
        _ => $"The request could not be completed (status {Code}). Try again in a moment.",
    };

    public void OnGet()
    {
    }

    // Status pages are re-executed with the original method, so a failed POST lands here too.
    public void OnPost()
    {
    }
}
