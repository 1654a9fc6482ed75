using System.Security.Claims;
using Mentiora.Grains.Accounts;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Mentiora.Web.Pages;

/// <summary>Who is signed in to the dashboard, as the session cookie says.</summary>
public static class CurrentUser
{
    private const string AccountKeyClaim = "mentiora:account";

    /// <summary>The signed-in account's key (its normalized email).</summary>
    public static string AccountKey(this ClaimsPrincipal user) =>
        user.FindFirstValue(AccountKeyClaim) ?? throw new InvalidOperationException("No one is signed in.");

    /// <summary>The address to show for the signed-in account.</summary>
    public static string Email(this ClaimsPrincipal user) => user.FindFirstValue(ClaimTypes.Email) ?? string.Empty;

    /// <summary>Starts a session for the account with a cookie.</summary>
    public static Task SignInAsync(HttpContext context, SignedInUser account)
    {
        var identity = new ClaimsIdentity(
            [new Claim(AccountKeyClaim, account.AccountKey), new Claim(ClaimTypes.Email, account.Email), new Claim(ClaimTypes.Name, account.Email)],
            CookieAuthenticationDefaults.AuthenticationScheme);
        return context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity),
            new AuthenticationProperties { IsPersistent = true });
    }
}
