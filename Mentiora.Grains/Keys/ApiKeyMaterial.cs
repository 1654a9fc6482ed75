using System.Buffers.Text;
using System.Security.Cryptography;

namespace Mentiora.Grains.Keys;

/// <summary>Generates and checks the secrets behind an API key: the key itself, its publishable key and its signing secret.</summary>
public static class ApiKeyMaterial
{
    /// <summary>Bytes of randomness in a secret API key; 32 bytes encode to 43 base64url characters.</summary>
    public const int KeyBytes = 32;

    /// <summary>Length of a secret API key as the user sees it.</summary>
    public const int KeyLength = 43;

    /// <summary>Characters of the key shown in the list after creation; also the key's directory entry.</summary>
    public const int PrefixLength = 8;

    /// <summary>Prefix that marks a publishable (browser) key.</summary>
    public const string PublishablePrefix = "pk_live_";

    private const int PublishableBytes = 24;

    // 24 bytes encode to exactly 32 base64url characters, with no partial last group.
    private const int PublishableRandomLength = 32;
    private const int SigningSecretBytes = 32;

    /// <summary>A new secret API key: 32 bytes from the OS's cryptographic RNG, base64url without padding.</summary>
    public static string NewSecretKey() => RandomBase64Url(KeyBytes);

    /// <summary>A new publishable key: <c>pk_live_</c> followed by 24 random bytes, base64url.</summary>
    public static string NewPublishableKey() => PublishablePrefix + RandomBase64Url(PublishableBytes);

    /// <summary>A new signing secret for identity tokens: 32 random bytes, base64url.</summary>
    public static string NewSigningSecret() => RandomBase64Url(SigningSecretBytes);

    /// <summary>The prefix of a key, as listed and as used to find the key's project.</summary>
    public static string PrefixOf(string key) => key[..PrefixLength];

    /// <summary>
    /// SHA-256 of the key's characters. 256 random bits cannot be guessed, so a fast hash is
    /// enough; a slow password hash would cost tens of milliseconds on every request.
    /// </summary>
    public static byte[] Hash(ReadOnlySpan<char> key)
    {
        Span<byte> ascii = stackalloc byte[KeyLength];
        var written = System.Text.Encoding.ASCII.GetBytes(key, ascii);
        return SHA256.HashData(ascii[..written]);
    }

    /// <summary>True when the text has the shape of a secret key (43 base64url characters); says nothing about validity.</summary>
    public static bool LooksLikeSecretKey(ReadOnlySpan<char> text)
    {
        if (text.Length != KeyLength)
        {
            return false;
        }

        foreach (var c in text)
        {
            if (!IsBase64UrlChar(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>True when the text has the shape of a publishable key (<c>pk_live_</c> and 32 base64url characters); says nothing about validity.</summary>
    public static bool LooksLikePublishableKey(ReadOnlySpan<char> text)
    {
        if (text.Length != PublishablePrefix.Length + PublishableRandomLength || !text.StartsWith(PublishablePrefix, StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var c in text[PublishablePrefix.Length..])
        {
            if (!IsBase64UrlChar(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Compares two hashes in time independent of where they differ, so response times reveal nothing.</summary>
    public static bool HashesMatch(ReadOnlySpan<byte> expected, ReadOnlySpan<byte> actual) =>
        CryptographicOperations.FixedTimeEquals(expected, actual);

    private static bool IsBase64UrlChar(char c) =>
        c is (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_';

    private static string RandomBase64Url(int byteCount)
    {
        Span<byte> bytes = stackalloc byte[byteCount];
        RandomNumberGenerator.Fill(bytes);
        return Base64Url.EncodeToString(bytes);
    }
}
