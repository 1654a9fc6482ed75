using Mentiora.Grains.Activity;

namespace Mentiora.Web.Pages.Projects;

/// <summary>How the Activity card and its CSV word each kind of entry.</summary>
public static class ActivityMessages
{
    /// <summary>What happened, e.g. <c>created key "Production" AbCd1234…</c>.</summary>
    public static string What(ActivityEntry entry) => entry.Kind switch
    {
        ActivityKind.KeyCreated => $"created key {Key(entry)}",
        ActivityKind.KeyRenamed => $"renamed key {entry.KeyPrefix}… from {Quoted(entry.PreviousValue)} to {Quoted(entry.Details)}",
        ActivityKind.KeyRevoked => $"revoked key {Key(entry)}",
        ActivityKind.OriginAdded => $"added origin {entry.Details} to key {Key(entry)}",
        ActivityKind.OriginRemoved => $"removed origin {entry.Details} from key {Key(entry)}",
        ActivityKind.MemberAdded => $"added member {entry.Details}",
        ActivityKind.MemberRemoved => $"removed member {entry.Details}",
        ActivityKind.ReportOnlySwitched => $"switched Report only {entry.Details} for key {Key(entry)}",
        ActivityKind.RequireIdentityTokenSwitched => $"switched Require identity token {entry.Details} for key {Key(entry)}",
        ActivityKind.KeyRolled => RollGraceLabels.InActivity(entry.Details) is { } grace
            ? $"rolled key {Key(entry)}, old key stops working {grace}"
            : $"rolled key {Key(entry)}",
        ActivityKind.KeyExpired => $"key {Key(entry)} expired",
        ActivityKind.SigningSecretRolled => $"rolled the signing secret of key {Key(entry)} ({SecretRollMessages.Grace(entry.Details)})",
        ActivityKind.PublishableKeyRolled => $"rolled the publishable key of key {Key(entry)} ({SecretRollMessages.Grace(entry.Details)})",
        ActivityKind.TraceRetentionChanged => TraceRetentionMessages.InActivity(entry.Details, entry.PreviousValue),
        _ => "changed the project",
    };

    /// <summary>Who did it: the account's email, or the product itself for what nobody did (a key expiring).</summary>
    public static string Who(ActivityEntry entry) => string.IsNullOrEmpty(entry.Actor) ? System : entry.Actor;

    /// <summary>Named as who for entries no account caused.</summary>
    public const string System = "Mentiora";

    /// <summary>Shown when the project has no entries yet.</summary>
    public const string Empty = "Nothing has changed in this project yet.";

    private static string Key(ActivityEntry entry) => $"{Quoted(entry.KeyName)} {entry.KeyPrefix}…";

    // An unnamed key has an empty name; saying so reads better than a pair of quotes.
    private static string Quoted(string? name) => string.IsNullOrEmpty(name) ? "(unnamed)" : $"\"{name}\"";
}
