using System.Text;
using Microsoft.Extensions.Logging.Testing;

namespace Mentiora.Tests.Infrastructure;

/// <summary>
/// Looks for issued secrets in what a run leaves behind: database values, captured log records,
/// process output and pages. Findings name the place and the secret's prefix, never the secret.
/// </summary>
public static class SecretScanner
{
    // Enough to see the pattern of a leak without drowning the message.
    private const int ReportedFindings = 20;

    /// <summary>Every value of a database dump (see <see cref="TestStorage.DumpAllValuesAsync"/>).</summary>
    public static IReadOnlyList<SecretFinding> FindInDatabase(IEnumerable<(string Table, byte[] Value)> dump, string database, SecretSearch secrets)
    {
        IssuedSecrets.CountScan();
        var findings = new List<SecretFinding>();
        foreach (var (table, value) in dump)
        {
            foreach (var secret in secrets.FindIn(value.AsSpan()))
            {
                AddOnce(findings, new SecretFinding(secret, $"table {table} of {database}"));
            }
        }

        return findings;
    }

    /// <summary>
    /// Captured log records from <paramref name="first"/> on: message, exception, structured state
    /// and scopes, as a log sink could write them.
    /// </summary>
    public static IReadOnlyList<SecretFinding> FindInLogs(IReadOnlyList<FakeLogRecord> records, string source, SecretSearch secrets, int first = 0)
    {
        IssuedSecrets.CountScan();
        var findings = new List<SecretFinding>();
        var text = new StringBuilder();
        for (var i = first; i < records.Count; i++)
        {
            var record = records[i];
            text.Clear().Append(record.Message).Append('\n').Append(record.Exception).Append('\n');
            foreach (var (name, value) in record.StructuredState ?? [])
            {
                text.Append(name).Append('=').Append(value).Append('\n');
            }

            foreach (var scope in record.Scopes)
            {
                AppendScope(text, scope);
            }

            foreach (var secret in secrets.FindIn(text.ToString()))
            {
                findings.Add(new SecretFinding(secret, $"log record #{i} of {source} ({record.Level} {record.Category}, event {record.Id})"));
            }
        }

        return findings;
    }

    /// <summary>Lines of process output.</summary>
    public static IReadOnlyList<SecretFinding> FindInLines(IReadOnlyList<string> lines, string source, SecretSearch secrets, int firstLineNumber = 1)
    {
        IssuedSecrets.CountScan();
        var findings = new List<SecretFinding>();
        for (var i = 0; i < lines.Count; i++)
        {
            foreach (var secret in secrets.FindIn(lines[i]))
            {
                findings.Add(new SecretFinding(secret, $"line {firstLineNumber + i} of {source}"));
            }
        }

        return findings;
    }

    /// <summary>One text, such as a page.</summary>
    public static IReadOnlyList<SecretFinding> FindInText(string text, string where, SecretSearch secrets)
    {
        IssuedSecrets.CountScan();
        return secrets.FindIn(text).Select(s => new SecretFinding(s, where)).ToList();
    }

    /// <summary>Fails with every finding listed (prefixes only) unless there is none.</summary>
    public static void AssertNone(IReadOnlyCollection<SecretFinding> findings, string context)
    {
        if (findings.Count == 0)
        {
            return;
        }

        var listed = string.Join("\n  ", findings.Take(ReportedFindings));
        var more = findings.Count > ReportedFindings ? $"\n  … and {findings.Count - ReportedFindings} more" : string.Empty;
        Assert.Fail($"{context}: {findings.Count} plaintext secret(s) found after creation:\n  {listed}{more}");
    }

    private static void AddOnce(List<SecretFinding> findings, SecretFinding finding)
    {
        if (!findings.Contains(finding))
        {
            findings.Add(finding);
        }
    }

    private static void AppendScope(StringBuilder text, object? scope)
    {
        // Structured scopes (the request scope, for one) are name/value pairs; others only have their text.
        if (scope is IEnumerable<KeyValuePair<string, object?>> pairs)
        {
            foreach (var (name, value) in pairs)
            {
                text.Append(name).Append('=').Append(value).Append('\n');
            }
        }

        text.Append(scope).Append('\n');
    }
}
