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

    /// <summary>What the create dialog says when its form was sent again, by a reload or a second click.</summary>
    public const string AlreadyShown =
        "This form already created a key, and its key was shown once: it cannot be shown again. If nobody copied it, revoke it and create a new one.";

    /// <summary>Why a key was not renamed; null when it was, or when there is nothing to show (no such key).</summary>
    public static string? RenameRefused(RenameApiKeyOutcome outcome) =>
        outcome == RenameApiKeyOutcome.NameTooLong ? NameTooLong : null;

    private static string NameTooLong => $"Use a name of at most {ApiKeyNames.MaxLength} characters.";

    /// <summary>Why a key was not rolled; null when it was, or when there is nothing to show (no such key).</summary>
    public static string? RollRefused(RollApiKeyOutcome outcome) => outcome == RollApiKeyOutcome.KeyExpired
        ? "This key has expired, so it cannot be rolled. Revoke it and create a new key."
        : null;

    /// <summary>What the roll dialog says when its form was sent again, by a reload or a second click.</summary>
    public const string RollAlreadyShown =
        "This form already rolled the key, and its new key was shown once: it cannot be shown again. If nobody copied it, roll the key again.";
}
