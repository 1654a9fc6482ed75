using Mentiora.Grains.Keys;
using Mentiora.Grains.Projects;

namespace Mentiora.Web.Pages.Projects;

/// <summary>What the API Keys card says when creating or renaming a key is refused.</summary>
public static class ApiKeyMessages
{
    /// <summary>Why a key was not created; null when it was, or when there is nothing to show (no such project).</summary>
    public static string? CreateRefused(CreateApiKeyOutcome outcome) => outcome switch
    {
        CreateApiKeyOutcome.LimitReached =>
            $"This project already has {ProjectGrain.MaxApiKeys} API keys, the most it can have. Revoke a key you no longer use, then create a new one.",
        CreateApiKeyOutcome.NameTooLong => NameTooLong,
        _ => null,
    };

    /// <summary>Why a key was not renamed; null when it was, or when there is nothing to show (no such key).</summary>
    public static string? RenameRefused(RenameApiKeyOutcome outcome) =>
        outcome == RenameApiKeyOutcome.NameTooLong ? NameTooLong : null;

    private static string NameTooLong => $"Use a name of at most {ApiKeyNames.MaxLength} characters.";
}
