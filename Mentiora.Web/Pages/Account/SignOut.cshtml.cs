using Mentiora.Grains.Accounts;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Mentiora.Web.Pages.Account;

/// <summary>Ends the session, on the server too; a POST only, so a link elsewhere cannot sign anyone out.</summary>
public sealed class SignOutModel(IGrainFactory grains) : PageModel
{
    public IActionResult OnGet() => RedirectToPage("/Index");

    public async Task<IActionResult> OnPostAsync()
    {
        // The account forgets the session first, so a copy of the cookie taken earlier stops working too.
        if (User.Identity?.IsAuthenticated == true && User.SessionId() is { } sessionId)
        {
            await grains.GetGrain<IUserGrain>(User.AccountKey()).EndSession(sessionId);
        }

        await HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return RedirectToPage("/Account/SignIn");
    }
}
