using Mentiora.Grains.Keys;
using Mentiora.Grains.Projects;

namespace Mentiora.Web.Pages.Projects;

/// <summary>How a key is named on screen: its name, or "Unnamed", with its prefix to tell keys apart.</summary>
public static class KeyLabels
{
    /// <summary>Shown in place of an empty name.</summary>
    public const string Unnamed = "Unnamed";

    /// <summary>The key's prefix as the list shows it: only the first 8 characters, then an ellipsis.</summary>
    public static string MaskedPrefix(ApiKeySummary key) => key.Prefix + "…";

    // As many characters of the random part as a secret key's prefix shows: enough to tell keys apart.
    private const int PublishableCharactersShown = ApiKeyMaterial.PrefixLength;

    /// <summary>The publishable key as the list shows it: <c>pk_live_</c> and its first characters, then an ellipsis.</summary>
    public static string MaskedPublishableKey(ApiKeySummary key) =>
        key.PublishableKey[..(ApiKeyMaterial.PublishablePrefix.Length + PublishableCharactersShown)] + "…";

    /// <summary>"Production (AbCdEfGh…)".</summary>
    public static string Describe(ApiKeySummary key) =>
        $"{(key.Name.Length > 0 ? key.Name : Unnamed)} ({MaskedPrefix(key)})";

    /// <summary>The old key of a rolled key as the list shows it: its first 8 characters, then an ellipsis.</summary>
    public static string MaskedPrefix(PredecessorSummary old) => old.Prefix + "…";

    /// <summary>"the old key (AbCdEfGh…) of a rolled key", for the revoke confirmation of its row.</summary>
    public static string DescribeRolled(PredecessorSummary old) => $"the old key ({MaskedPrefix(old)}) of a rolled key";
}
