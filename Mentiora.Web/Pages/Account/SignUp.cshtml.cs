using System.ComponentModel.DataAnnotations;
using Mentiora.Grains.Accounts;
using Mentiora.Grains.Secrets;
using Mentiora.Web.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Mentiora.Web.Pages.Account;

/// <summary>Creates an account and its first project, then signs the person in.</summary>
public sealed class SignUpModel(IGrainFactory grains, AbuseLimits limits) : PageModel
{
    [BindProperty, Display(Name = "Email")]
    public string Email { get; set; } = string.Empty;

    [BindProperty, Display(Name = "Password"), DataType(DataType.Password)]
    public string Password { get; set; } = string.Empty;

    /// <summary>A refusal of the whole form rather than of one field.</summary>
    public string? Error { get; private set; }

    public IActionResult OnGet() => User.Identity?.IsAuthenticated == true ? RedirectToPage("/Index") : Page();

    public async Task<IActionResult> OnPostAsync()
    {
        // First, and without echoing it: see SignInModel.
        if (Email.Length > AccountEmail.MaxLength)
        {
            Email = string.Empty;
            ModelState.Remove(nameof(Email));
            ModelState.AddModelError(nameof(Email), AccountMessages.EmailTooLong);
            return Page();
        }

        if (!AccountEmail.LooksValid(Email))
        {
            ModelState.AddModelError(nameof(Email), "Enter an email address, like name@example.com.");
        }

        if (Password.Length < UserGrain.MinPasswordLength)
        {
            ModelState.AddModelError(nameof(Password), $"Use at least {UserGrain.MinPasswordLength} characters.");
        }

        if (!ModelState.IsValid)
        {
            return Page();
        }

        // Counted once the form is valid, just before the work a sign-up costs (a password hash, an account, a project).
        if (!limits.TrySignUp(HttpContext.Connection.RemoteIpAddress))
        {
            Error = AccountMessages.TooManySignUps;
            var page = Page();
            page.StatusCode = StatusCodes.Status429TooManyRequests;
            return page;
        }

        var accountKey = AccountEmail.Normalize(Email);
        var result = await grains.GetGrain<IUserGrain>(accountKey).SignUp(Email, new SecretText(Password));
        switch (result.Outcome)
        {
            case SignUpOutcome.AlreadyRegistered:
                ModelState.AddModelError(nameof(Email), "An account with this email already exists. Sign in instead.");
                return Page();
            case SignUpOutcome.PasswordTooShort:
                ModelState.AddModelError(nameof(Password), $"Use at least {UserGrain.MinPasswordLength} characters.");
                return Page();
        }

        await CurrentUser.SignInAsync(HttpContext, result.SignedIn!);
        return RedirectToPage("/Projects/Traces", new { projectId = result.FirstProjectId });
    }
}
