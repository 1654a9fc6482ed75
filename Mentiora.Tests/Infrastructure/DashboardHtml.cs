using AngleSharp.Dom;
using AngleSharp.Html.Parser;

namespace Mentiora.Tests.Infrastructure;

/// <summary>
/// Reads what a person sees in a dashboard page's HTML (the creation dialog's key and signing
/// secret, the listed keys, the form's antiforgery token, error messages) with an HTML parser,
/// so attribute order, quoting and entities do not matter the way they would to a regex.
/// </summary>
public static class DashboardHtml
{
    private static readonly HtmlParser Parser = new();

    /// <summary>The API key the creation dialog shows once, or null when the page shows no dialog.</summary>
    public static string? CreatedKey(string html) => InputValue(html, "created-api-key");

    /// <summary>The signing secret the creation dialog shows once beside the key, or null.</summary>
    public static string? CreatedSigningSecret(string html) => InputValue(html, "created-signing-secret");

    /// <summary>The new signing secret the Allowed origins dialog shows once after a roll, or null.</summary>
    public static string? RolledSigningSecret(string html) => InputValue(html, "rolled-signing-secret");

    /// <summary>The account id the Account page shows; fails when the page shows none.</summary>
    public static string AccountId(string html) =>
        Parse(html).GetElementById("account-id")?.GetAttribute("value") ?? throw new Xunit.Sdk.XunitException("the Account page shows no account id");

    /// <summary>The antiforgery token of the page's forms, or null when it has none.</summary>
    public static string? AntiforgeryToken(string html) =>
        Parse(html).QuerySelector("input[name='__RequestVerificationToken']")?.GetAttribute("value");

    /// <summary>The one-time token of the create-key form in the page's dialog (not the spare one in its template), or null.</summary>
    public static string? CreateFormToken(string html) =>
        Parse(html).QuerySelector("#create-key-dialog-body input[name='formToken']")?.GetAttribute("value");

    /// <summary>The one-time token of the roll form in the page's roll dialog, or null when it is not open.</summary>
    public static string? RollFormToken(string html) =>
        Parse(html).QuerySelector("#roll-key-dialog-body input[name='formToken']")?.GetAttribute("value");

    /// <summary>True when the page shows the answer of a roll (the new key alone), not of a create.</summary>
    public static bool IsRollAnswer(string html) =>
        html.Contains("data-rolled-key", StringComparison.Ordinal) && Parse(html).QuerySelector("[data-rolled-key]") is not null;

    /// <summary>The rows of rolled keys' old keys the page lists, as their text, in the order shown.</summary>
    public static IReadOnlyList<string> RolledKeyRows(string html) =>
        [.. Parse(html).QuerySelectorAll("tr[data-rolled-row]").Select(row => string.Join(' ', row.TextContent.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)))];

    /// <summary>The ids of the API keys the page lists, in the order shown.</summary>
    public static IReadOnlyList<Guid> KeyRowIds(string html) =>
        [.. Parse(html).QuerySelectorAll("tr[id^='key-']").Select(row => Guid.Parse(row.Id!["key-".Length..]))];

    /// <summary>The error messages the page shows, by its form fields and in its alerts.</summary>
    public static IReadOnlyList<string> Errors(string html) =>
        [.. Parse(html).QuerySelectorAll(".field-error, .alert.error").Select(e => e.TextContent.Trim())];

    /// <summary>The text of the code blocks the page shows (or of those inside the element with the given id), entities decoded.</summary>
    public static IReadOnlyList<string> CodeBlocks(string html, string? within = null)
    {
        var document = Parse(html);
        var scope = within is null ? document.DocumentElement : document.GetElementById(within);
        return scope is null ? [] : [.. scope.QuerySelectorAll("pre.code-block").Select(e => e.TextContent)];
    }

    /// <summary>The page's visible text with runs of whitespace collapsed, for sentences that wrap in the markup.</summary>
    public static string Text(string html) =>
        string.Join(' ', (Parse(html).Body?.TextContent ?? string.Empty).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    /// <summary>The API Keys card alone (its list and dialogs), without the Activity card, which names keys that are gone.</summary>
    public static string ApiKeysCard(string html) =>
        Parse(html).GetElementById("api-keys-card")?.OuterHtml ?? string.Empty;

    /// <summary>The Activity card's lines as text, newest first.</summary>
    public static IReadOnlyList<string> ActivityLines(string html) =>
        [.. Parse(html).QuerySelectorAll("#activity-card li").Select(li => string.Join(' ', li.TextContent.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)))];

    /// <summary>The Keep traces for card's text, whitespace collapsed; empty when the page has no such card.</summary>
    public static string TraceRetentionCardText(string html) =>
        Parse(html).GetElementById("trace-retention-card") is { } card
            ? string.Join(' ', card.TextContent.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
            : string.Empty;

    /// <summary>The days chosen in the Keep traces for card's radio group, or null when it offers no choice (not the owner).</summary>
    public static int? CheckedTraceRetentionDays(string html) =>
        Parse(html).QuerySelector("#trace-retention-card input[type=radio][name=days][checked]")?.GetAttribute("value") is { } days
            ? int.Parse(days, System.Globalization.CultureInfo.InvariantCulture)
            : null;

    /// <summary>The Activity card's "Older" link, or null on the last page.</summary>
    public static string? OlderActivityLink(string html) =>
        Parse(html).QuerySelectorAll("#activity-card a").FirstOrDefault(a => a.TextContent.Trim() == "Older")?.GetAttribute("href");

    private static string? InputValue(string html, string id) =>
        // Cheap test first: most answers that pass through here (every POST) show no dialog at all.
        html.Contains(id, StringComparison.Ordinal) ? Parse(html).GetElementById(id)?.GetAttribute("value") : null;

    private static IDocument Parse(string html) => Parser.ParseDocument(html);
}
