using System.Security.Cryptography;
using Microsoft.AspNetCore.WebUtilities;

namespace Mentiora.Grains.Accounts;

/// <summary>
/// Random public account ids (<c>acct_</c> + 16 random bytes, base64url) and session ids. An account id exists only once its
/// account does, so naming operators by it (Operators:AccountIds) cannot be claimed by signing up first with someone's address.
/// </summary>
public static class AccountIds
{
    /// <summary>What every account id starts with, so an id in a setting is recognisable as one.</summary>
    public const string Prefix = "acct_";

    /// <summary>A new account id.</summary>
    public static string NewAccountId() => Prefix + WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(16));

    /// <summary>A new session id: 32 random bytes, base64url.</summary>
    public static string NewSessionId() => WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));

    /// <summary>What the account stores of a session id: its SHA-256, so a copy of the database names no live session.</summary>
    public static string SessionHash(string sessionId) =>
        Convert.ToBase64String(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(sessionId)));
}
