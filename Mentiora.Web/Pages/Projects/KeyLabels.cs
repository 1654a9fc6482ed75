using Mentiora.Grains.Projects;

namespace Mentiora.Web.Pages.Projects;

/// <summary>How a key is named on screen: its name, or "Unnamed", with its prefix to tell keys apart.</summary>
public static class KeyLabels
{
    /// <summary>Shown in place of an empty name.</summary>
    public const string Unnamed = "Unnamed";

    /// <summary>The key's prefix as the list shows it: only the first 8 characters, then an ellipsis.</summary>
    public static string MaskedPrefix(ApiKeySummary key) => key.Prefix + "…";

    /// <summary>"Production (AbCdEfGh…)".</summary>
    public static string Describe(ApiKeySummary key) =>
        $"{(key.Name.Length > 0 ? key.Name : Unnamed)} ({MaskedPrefix(key)})";
}
