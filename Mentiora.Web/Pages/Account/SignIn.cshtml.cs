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
        // Before anything else reads it (the limiter, the grain, the page echoing it back): an email of megabytes is no
        // address, and must cost neither a partition nor an answer of its size.
        if (Email.Length > AccountEmail.MaxLength)
        {
            Error = AccountMessages.EmailTooLong;
            Email = string.Empty;
            ModelState.Remove(nameof(Email));
            return Page();
        }

        if (!limits.TrySignIn(AccountEmail.Normalize(Email), HttpContext.Connection.RemoteIpAddress))
        {
            // Slows password guessing to a crawl; the right password waits as long as a wrong one.
            Error = AccountMessages.TooManySignIns;
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
