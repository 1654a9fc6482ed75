using System.Collections.Concurrent;
using System.Globalization;

namespace Mentiora.Tests.Infrastructure;

/// <summary>
/// Every plaintext key and signing secret any test of this run was given, and every password it
/// signed up with, wherever it came from (an in-process grain call, a dashboard form or response
/// of a silo process, a browser page). Databases,
/// logs, silo output and pages are scanned against all of them, not only their own test's: a leak
/// of one test's key into another app's logs is still a leak.
/// </summary>
public static class IssuedSecrets
{
    // Set to a file path to keep the run's counts in it: the test host is ended, not exited, so
    // the file is rewritten after every scan rather than once at the end.
    private static readonly string? ReportPath = Environment.GetEnvironmentVariable("MENTIORA_SECRET_LEDGER_REPORT");

    private static readonly ConcurrentDictionary<string, IssuedSecret> Issued = new(StringComparer.Ordinal);
    private static readonly Lock Rebuild = new();
    private static readonly Lock Report = new();
    private static SecretSearch _search = new([]);
    private static int _scans;

    /// <summary>How many distinct secrets were recorded so far.</summary>
    public static int Count => Issued.Count;

    /// <summary>How many scans (a database, an app's logs, a silo's output, a page) ran so far.</summary>
    public static int ScanCount => Volatile.Read(ref _scans);

    /// <summary>Adds a secret a test was given; recording the same value again keeps the first source.</summary>
    public static IssuedSecret Record(string value, SecretKind kind, string issuedBy)
    {
        ArgumentException.ThrowIfNullOrEmpty(value);
        return Issued.GetOrAdd(value, v => new IssuedSecret(v, kind, issuedBy));
    }

    /// <summary>All secrets recorded so far, ready to search for; rebuilt only after new ones came in.</summary>
    public static SecretSearch Current()
    {
        var search = Volatile.Read(ref _search);
        if (search.Count == Issued.Count)
        {
            return search;
        }

        lock (Rebuild)
        {
            if (_search.Count != Issued.Count)
            {
                Volatile.Write(ref _search, new SecretSearch(Issued.Values));
            }

            return _search;
        }
    }

    /// <summary>Counts one scan, for the run's summary.</summary>
    public static void CountScan()
    {
        Interlocked.Increment(ref _scans);
        if (!string.IsNullOrEmpty(ReportPath))
        {
            lock (Report)
            {
                File.WriteAllText(ReportPath, Summary() + Environment.NewLine);
            }
        }
    }

    /// <summary>The run's counts, without any secret.</summary>
    public static string Summary()
    {
        var byKind = Issued.Values.GroupBy(s => s.Kind).ToDictionary(g => g.Key, g => g.Count());
        int Of(SecretKind kind) => byKind.GetValueOrDefault(kind);
        return string.Create(CultureInfo.InvariantCulture,
            $"Secret ledger: {Of(SecretKind.ApiKey)} API keys, {Of(SecretKind.SigningSecret)} signing secrets, {Of(SecretKind.Password)} passwords and {Of(SecretKind.IdentityToken)} identity tokens issued, {ScanCount} scans.");
    }
}
