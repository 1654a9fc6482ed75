using System.Buffers.Text;
using System.Security.Cryptography;

namespace Mentiora.Grains.Projects;

/// <summary>
/// The rules of forms whose answer shows a secret once (create a key; rolling one can use the same):
/// each rendered form carries a fresh random token, and the project remembers the tokens that did
/// their work, so a form sent again (a reload, a double click, another silo) does nothing.
/// </summary>
public static class OneTimeForms
{
    /// <summary>How long a used token is remembered: longer than anyone keeps the answer's page open to reload it.</summary>
    public static readonly TimeSpan Remembered = TimeSpan.FromHours(24);

    /// <summary>Most used tokens kept, so a busy project's state stays small; the oldest go first.</summary>
    public const int MaxRemembered = 50;

    private const int TokenBytes = 16;

    /// <summary>Length of a token: 16 random bytes, base64url.</summary>
    public const int TokenLength = 22;

    /// <summary>A new token for a form being rendered.</summary>
    public static string NewToken() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(TokenBytes));

    /// <summary>True for something shaped like a token this class made; anything else is no token at all.</summary>
    public static bool IsWellFormed(string? token) =>
        token is { Length: TokenLength } && token.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    /// <summary>True when a form with this token already did its work.</summary>
    public static bool WasUsed(List<UsedFormToken> used, string token) => used.Exists(u => u.Token == token);

    /// <summary>Remembers a token as used, forgetting those past <see cref="Remembered"/> and beyond <see cref="MaxRemembered"/>.</summary>
    public static UsedFormToken Remember(List<UsedFormToken> used, string token, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(used);
        used.RemoveAll(u => now - u.UsedAt > Remembered);
        if (used.Count >= MaxRemembered)
        {
            used.RemoveRange(0, used.Count - MaxRemembered + 1);
        }

        var entry = new UsedFormToken(token, now);
        used.Add(entry);
        return entry;
    }
}
