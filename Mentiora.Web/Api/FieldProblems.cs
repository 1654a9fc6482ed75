namespace Mentiora.Web.Api;

/// <summary>
/// Words per-field problems for an error's one-line message. The SDKs show only the code and the
/// message, never <c>details</c>, so the message itself must say which fields are wrong and why.
/// </summary>
public static class FieldProblems
{
    /// <summary>How many problems the message spells out; the rest are counted ("and N more") and all stay in details.</summary>
    public const int Spelled = 3;

    /// <summary>
    /// The first problems as "field why; field why; field why; and N more", from details such as
    /// <c>"trace_id": "must be a UUID version 7; this one is version 4."</c>, which becomes
    /// "trace_id must be a UUID version 7 (this one is version 4)".
    /// </summary>
    public static string Summarize(IReadOnlyDictionary<string, string> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        var parts = problems.Take(Spelled).Select(p => $"{p.Key} {Phrase(p.Value)}").ToList();
        if (problems.Count > Spelled)
        {
            parts.Add($"and {problems.Count - Spelled} more");
        }

        return string.Join("; ", parts);
    }

    // A detail is a sentence written to stand after its field's name; within a list of them, its
    // own "; " aside goes in parentheses and its example (", like …") is left to details.
    private static string Phrase(string detail)
    {
        var phrase = detail.Trim().TrimEnd('.');
        var example = phrase.IndexOf(", like ", StringComparison.Ordinal);
        if (example >= 0)
        {
            phrase = phrase[..example];
        }

        var aside = phrase.IndexOf("; ", StringComparison.Ordinal);
        return aside < 0 ? phrase : $"{phrase[..aside]} ({phrase[(aside + 2)..]})";
    }
}
