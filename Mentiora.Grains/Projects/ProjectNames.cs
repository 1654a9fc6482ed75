namespace Mentiora.Grains.Projects;

/// <summary>The rule for project names: required, trimmed, at most 100 characters.</summary>
public static class ProjectNames
{
    /// <summary>Longest name a project may have, after trimming.</summary>
    public const int MaxLength = 100;

    /// <summary>Trims the name; false when it is empty or too long.</summary>
    public static bool TryNormalize(string? name, out string normalized)
    {
        normalized = (name ?? string.Empty).Trim();
        return normalized.Length is > 0 and <= MaxLength;
    }
}
