using Mentiora.Web.Configuration;
using Mentiora.Web.Pages;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;

namespace Mentiora.Web.Operations;

/// <summary>Who may open the operations pages (the Orleans dashboard): the accounts named in <see cref="SettingKeys.OperatorEmails"/>.</summary>
public static class OperatorPolicy
{
    public const string Name = "Operators";

    /// <summary>Adds the policy; with no operators configured nobody passes it.</summary>
    public static void Add(AuthorizationOptions options, IConfiguration configuration)
    {
        var operators = (configuration[SettingKeys.OperatorEmails] ?? string.Empty)
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(Mentiora.Grains.Accounts.AccountEmail.Normalize)
            .ToHashSet(StringComparer.Ordinal);
        options.AddPolicy(Name, policy => policy
            .AddAuthenticationSchemes(CookieAuthenticationDefaults.AuthenticationScheme)
            .RequireAuthenticatedUser()
            .RequireAssertion(context => context.User.Identity?.IsAuthenticated == true && operators.Contains(context.User.AccountKey())));
    }
}
