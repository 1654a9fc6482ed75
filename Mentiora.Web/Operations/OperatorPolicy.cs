using Mentiora.Web.Configuration;
using Mentiora.Web.Pages;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;

namespace Mentiora.Web.Operations;

/// <summary>Who may open the operations pages (the Orleans dashboard): the accounts named in <see cref="SettingKeys.OperatorAccountIds"/>.</summary>
/// <remarks>
/// Operators are named by account id, not email: an address is not verified, so whoever first signed up with a listed
/// address would have been an operator; an account id is random and exists only once its account does, so nobody can
/// claim it by registering. Each person finds their id on the Account page.
/// </remarks>
public static class OperatorPolicy
{
    public const string Name = "Operators";

    /// <summary>Adds the policy; with no operators configured nobody passes it.</summary>
    public static void Add(AuthorizationOptions options, IConfiguration configuration)
    {
        var operators = (configuration[SettingKeys.OperatorAccountIds] ?? string.Empty)
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .ToHashSet(StringComparer.Ordinal);
        options.AddPolicy(Name, policy => policy
            .AddAuthenticationSchemes(CookieAuthenticationDefaults.AuthenticationScheme)
            .RequireAuthenticatedUser()
            // A cookie from before account ids existed has none, and is no operator's.
            .RequireAssertion(context => context.User.Identity?.IsAuthenticated == true && context.User.AccountId() is { } id && operators.Contains(id)));
    }

    /// <summary>Stops the app when the retired <see cref="SettingKeys.OperatorEmails"/> is set: silently ignoring it would lock its operators out unawares.</summary>
    public static void RefuseRetiredSetting(IConfiguration configuration)
    {
        if (!string.IsNullOrWhiteSpace(configuration[SettingKeys.OperatorEmails]))
        {
            throw new InvalidSettingException(
                $"{SettingKeys.OperatorEmails} is no longer read, since anyone could sign up with a listed address: name operators by account id in " +
                $"{SettingKeys.OperatorAccountIds} instead (each account's id is on its Account page, /account).");
        }
    }
}
