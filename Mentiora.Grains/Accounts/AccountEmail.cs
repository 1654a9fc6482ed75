namespace Mentiora.Grains.Accounts;

/// <summary>How an email address becomes an account key: one account per address, whatever its case or surrounding spaces.</summary>
public static class AccountEmail
{
    /// <summary>Longest address accepted; longer ones are not real addresses.</summary>
    public const int MaxLength = 254;

    /// <summary>The key of the account with this address.</summary>
    public static string Normalize(string email) => email.Trim().ToLowerInvariant();

    /// <summary>True for something shaped like an address (one @, text on both sides, no spaces); delivery is not checked.</summary>
    public static bool LooksValid(string? email)
    {
        var trimmed = email?.Trim() ?? string.Empty;
        var at = trimmed.IndexOf('@');
        return trimmed.Length is > 2 and <= MaxLength
            && at > 0
            && at == trimmed.LastIndexOf('@')
            && at < trimmed.Length - 1
            && !trimmed.Any(char.IsWhiteSpace);
    }
}
