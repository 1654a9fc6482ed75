using System.ComponentModel.DataAnnotations;
using Mentiora.Grains.Accounts;
using Mentiora.Grains.Secrets;
using Mentiora.Web.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Mentiora.Web.Pages.Account;

/// <summary>Signs a person in with email and password.</summary>
public sealed class SignInModel(IGrainFactory grains, AbuseLimits limits) : PageModel
{
    [BindProperty, Display(Name = "Email")]
    public string Email { get; set; } = string.Empty;

    [BindProperty, Display(Name = "Password"), DataType(DataType.Password)]
    public string Password { get; set; } = string.Empty;

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public string? Error { get; private set; }

    public IActionResult OnGet() => User.Identity?.IsAuthenticated == true ? RedirectToPage("/Index") : Page();

    public async Task<IActionResult> OnPostAsync()
    {
        if (!limits.TrySignIn(AccountEmail.Normalize(Email), HttpContext.Connection.RemoteIpAddress))
        {
            // Slows password guessing to a crawl; the right password waits as long as a wrong one.
            Error = "Too many sign-in attempts. Wait a minute, then try again.";
            var page = Page();
            page.StatusCode = StatusCodes.Status429TooManyRequests;
            return page;
        }

        var account = AccountEmail.LooksValid(Email)
            ? await grains.GetGrain<IUserGrain>(AccountEmail.Normalize(Email)).SignIn(new SecretText(Password))
            : null;
        if (account is null)
        {
            // One message for both cases, so the form does not tell which addresses have accounts.
            Error = "The email or password is not correct.";
            return Page();
        }

        await CurrentUser.SignInAsync(HttpContext, account);
        return Url.IsLocalUrl(ReturnUrl) ? LocalRedirect(ReturnUrl) : RedirectToPage("/Index");
    }
}
