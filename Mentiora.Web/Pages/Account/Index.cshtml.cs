using Mentiora.Grains.Accounts;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Mentiora.Web.Pages.Account;

/// <summary>The signed-in person's account: its id (what operators are named by) and the action that ends every session.</summary>
[Authorize]
public sealed class AccountModel(IGrainFactory grains) : PageModel
{
    public AccountDetails Account { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync()
    {
        if (await grains.GetGrain<IUserGrain>(User.AccountKey()).GetAccount() is not { } account)
        {
            return NotFound();
        }

        Account = account;
        return Page();
    }

    public async Task<IActionResult> OnPostSignOutEverywhereAsync()
    {
        // Every browser's cookie, this one's included, names a session the account no longer has.
        await grains.GetGrain<IUserGrain>(User.AccountKey()).EndAllSessions();
        await HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return RedirectToPage("/Account/SignIn");
    }
}
