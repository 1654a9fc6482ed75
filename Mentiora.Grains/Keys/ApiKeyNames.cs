namespace Mentiora.Grains.Keys;

/// <summary>The rule for API key names: optional, trimmed, at most 100 characters.</summary>
public static class ApiKeyNames
{
    /// <summary>Longest name a key may have, after trimming.</summary>
    public const int MaxLength = 100;

    /// <summary>Trims the name; null or blank becomes empty. Returns false when it is too long.</summary>
    public static bool TryNormalize(string? name, out string normalized)
    {
        normalized = (name ?? string.Empty).Trim();
        return normalized.Length <= MaxLength;
    }
}
