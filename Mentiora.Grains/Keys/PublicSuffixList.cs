using System.Globalization;

namespace Mentiora.Grains.Keys;

/// <summary>
/// The Public Suffix List (publicsuffix.org): the names under which anyone may register a site of
/// their own, such as <c>com</c>, <c>co.uk</c> or <c>github.io</c>. A wildcard origin on one of them
/// would let every stranger's site there write with a key.
/// </summary>
/// <remarks>
/// The list is embedded (Keys/Resources/public_suffix_list.dat, dated in Keys/Resources/README.md) because a
/// server may have no copy of its own, and read by this small matcher because no package of it is
/// at hand; the rules are simple enough to follow exactly. Both the ICANN and the PRIVATE sections
/// count: a platform's private suffix (github.io) is as public to its tenants as a TLD.
/// Rules are compared in punycode, the form origins are stored in.
/// </remarks>
public static class PublicSuffixList
{
    private const string ResourceName = "Mentiora.Grains.public_suffix_list.dat";

    private static readonly Lazy<Rules> Loaded = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>
    /// True when the lower-case punycode host is itself a public suffix: a name no single owner
    /// controls the subdomains of. A single label (a TLD, listed or not) always is, by the list's
    /// default rule <c>*</c>.
    /// </summary>
    public static bool IsPublicSuffix(ReadOnlySpan<char> host)
    {
        if (host.IsEmpty)
        {
            return false;
        }

        var dot = host.IndexOf('.');
        if (dot < 0)
        {
            return true;
        }

        var rules = Loaded.Value;
        if (rules.Exceptions.Contains(host))
        {
            // "!www.ck": www.ck is registrable even though *.ck makes every other name under ck a suffix.
            return false;
        }

        return rules.Names.Contains(host) || rules.WildcardParents.Contains(host[(dot + 1)..]);
    }

    /// <summary>Reads the embedded list if it was not read yet, so no request waits for it; it is read only once.</summary>
    public static void EnsureLoaded() => _ = Loaded.Value;

    /// <summary>How many rules were read; a sanity check that the embedded list is there.</summary>
    public static int RuleCount => Loaded.Value.Count;

    private static Rules Load()
    {
        using var stream = typeof(PublicSuffixList).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The embedded resource {ResourceName} is missing from {typeof(PublicSuffixList).Assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        var idn = new IdnMapping();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var wildcardParents = new HashSet<string>(StringComparer.Ordinal);
        var exceptions = new HashSet<string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            // A rule is the line's first run of non-space characters; "//" starts a comment line.
            var rule = line.AsSpan().Trim();
            var space = rule.IndexOfAny(' ', '\t');
            if (space >= 0)
            {
                rule = rule[..space];
            }

            if (rule.IsEmpty || rule.StartsWith("//"))
            {
                continue;
            }

            if (rule[0] == '!')
            {
                exceptions.Add(ToAscii(idn, rule[1..]));
            }
            else if (rule.StartsWith("*."))
            {
                wildcardParents.Add(ToAscii(idn, rule[2..]));
            }
            else if (!rule.Contains('*'))
            {
                names.Add(ToAscii(idn, rule));
            }

            // The format allows a wildcard only as the leftmost label, which is all the list uses;
            // a rule with one elsewhere would be skipped rather than guessed at.
        }

        return new Rules(names, wildcardParents, exceptions);
    }

    // The list is written in Unicode (公司.cn), origins are stored in punycode (xn--55qx5d.cn).
    private static string ToAscii(IdnMapping idn, ReadOnlySpan<char> rule)
    {
        var text = rule.ToString();
        return System.Text.Ascii.IsValid(text) ? text.ToLowerInvariant() : idn.GetAscii(text).ToLowerInvariant();
    }

    private sealed class Rules(HashSet<string> names, HashSet<string> wildcardParents, HashSet<string> exceptions)
    {
        // Looked up by span, so the hot path's check of a wildcard origin allocates nothing.
        public HashSet<string>.AlternateLookup<ReadOnlySpan<char>> Names { get; } = names.GetAlternateLookup<ReadOnlySpan<char>>();

        public HashSet<string>.AlternateLookup<ReadOnlySpan<char>> WildcardParents { get; } = wildcardParents.GetAlternateLookup<ReadOnlySpan<char>>();

        public HashSet<string>.AlternateLookup<ReadOnlySpan<char>> Exceptions { get; } = exceptions.GetAlternateLookup<ReadOnlySpan<char>>();

        public int Count { get; } = names.Count + wildcardParents.Count + exceptions.Count;
    }
}
