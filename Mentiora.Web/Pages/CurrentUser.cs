using System.Security.Claims;
using Mentiora.Grains.Accounts;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Mentiora.Web.Pages;

/// <summary>Who is signed in to the dashboard, as the session cookie says.</summary>
public static class CurrentUser
{
    private const string AccountKeyClaim = "mentiora:account";
    private const string AccountIdClaim = "mentiora:account-id";
    private const string SessionIdClaim = "mentiora:session";

    /// <summary>The signed-in account's key (its normalized email).</summary>
    public static string AccountKey(this ClaimsPrincipal user) =>
        user.FindFirstValue(AccountKeyClaim) ?? throw new InvalidOperationException("No one is signed in.");

    /// <summary>The signed-in account's public id; null in a cookie issued before accounts had one.</summary>
    public static string? AccountId(this ClaimsPrincipal user) => user.FindFirstValue(AccountIdClaim);

    /// <summary>The session the cookie belongs to; null in a cookie issued before sessions were kept with the account.</summary>
    public static string? SessionId(this ClaimsPrincipal user) => user.FindFirstValue(SessionIdClaim);

    /// <summary>The address to show for the signed-in account.</summary>
    public static string Email(this ClaimsPrincipal user) => user.FindFirstValue(ClaimTypes.Email) ?? string.Empty;

    /// <summary>Starts a session for the account with a cookie.</summary>
    public static Task SignInAsync(HttpContext context, SignedInUser account)
    {
        var identity = new ClaimsIdentity(
            [
                new Claim(AccountKeyClaim, account.AccountKey), new Claim(ClaimTypes.Email, account.Email), new Claim(ClaimTypes.Name, account.Email),
                new Claim(AccountIdClaim, account.AccountId), new Claim(SessionIdClaim, account.SessionId),
            ],
            CookieAuthenticationDefaults.AuthenticationScheme);
        return context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity),
            new AuthenticationProperties { IsPersistent = true });
    }

    /// <summary>
    /// Accepts a session cookie only while its account still knows the session, so a copy of the cookie is worthless after
    /// signing out (there or everywhere). Asks the user grain, which answers from memory: no database query per request.
    /// </summary>
    public static async Task ValidateSessionAsync(CookieValidatePrincipalContext context)
    {
        var user = context.Principal;
        // Cookies from before sessions were kept name no session: they must sign in again.
        var active = user?.SessionId() is { } sessionId
            && await context.HttpContext.RequestServices.GetRequiredService<IGrainFactory>().GetGrain<IUserGrain>(user.AccountKey()).IsSessionActive(sessionId);
        if (!active)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        }
    }
}
