namespace Mentiora.Web.Pages.Account;

/// <summary>The words of the account pages: sign-in and sign-up refusals and the Account page.</summary>
public static class AccountMessages
{
    /// <summary>An email longer than any real address; the value is not shown back.</summary>
    public static readonly string EmailTooLong = $"An email address has at most {Mentiora.Grains.Accounts.AccountEmail.MaxLength} characters.";

    /// <summary>Sign-in attempts over the per-minute limit.</summary>
    public const string TooManySignIns = "Too many sign-in attempts. Wait a minute, then try again.";

    /// <summary>Sign-ups from one address over the per-hour limit.</summary>
    public const string TooManySignUps = "Too many accounts were created from your network. Wait an hour, then try again.";

    /// <summary>How many browsers are signed in to the account.</summary>
    public static string Sessions(int count) => count switch
    {
        <= 1 => "You are signed in on this browser only.",
        _ => $"You are signed in on {count} browsers or devices, this one included. Sign out everywhere ends every session, this one too.",
    };
}
