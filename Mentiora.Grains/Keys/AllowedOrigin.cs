using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Mentiora.Grains.Keys;

/// <summary>A browser origin, possibly with a leading wildcard label, that a publishable key accepts traces from.</summary>
/// <remarks>
/// Parsed by hand rather than with <see cref="Uri"/>: <see cref="Uri"/> quietly repairs odd input
/// (strips tabs, decodes escapes, accepts backslashes), and a rule that guards a key must mean exactly what was typed.
/// </remarks>
public sealed record AllowedOrigin
{
    /// <summary>The longest a DNS name can be; anything longer was not typed as an origin.</summary>
    public const int MaxLength = 253;

    private const int MaxLabelLength = 63;

    private const string SchemeSeparator = "://";
    private const string WildcardMarker = "://*.";
    private AllowedOrigin(string scheme, string host, int? port, bool isWildcard)
    {
        Scheme = scheme;
        Host = host;
        Port = port;
        IsWildcard = isWildcard;
    }

    /// <summary>The scheme, <c>https</c> or <c>http</c>.</summary>
    public string Scheme { get; }

    /// <summary>The lower-case punycode host (IPv6 in brackets); for a wildcard, the part after <c>*.</c>.</summary>
    public string Host { get; }

    /// <summary>The port, or null when it is the scheme's default.</summary>
    public int? Port { get; }

    /// <summary>True when the origin accepts every subdomain of <see cref="Host"/>, at any depth, but not the host itself.</summary>
    public bool IsWildcard { get; }

    /// <summary>The normalised form, such as <c>https://*.example.com</c> or <c>http://localhost:3000</c>.</summary>
    public override string ToString() =>
        $"{Scheme}://{(IsWildcard ? "*." : string.Empty)}{Host}{(Port is { } port ? ":" + port.ToString(CultureInfo.InvariantCulture) : string.Empty)}";

    /// <summary>Parses an origin a person typed; when it is refused, says which rule it broke.</summary>
    public static bool TryParse(string? input, [NotNullWhen(true)] out AllowedOrigin? origin, [NotNullWhen(false)] out OriginError? error) =>
        TryParse(input, saving: true, out origin, out error);

    /// <summary>True when a request origin, once normalised, is accepted by this origin.</summary>
    public bool Matches(string? requestOrigin) =>
        TryParse(requestOrigin, saving: false, out var request, out _) && Accepts(ToString(), request.ToString());

    /// <summary>True when any of the saved origins accepts a request origin, both normalised first.</summary>
    public static bool MatchesAny(IEnumerable<string> allowedOrigins, string? requestOrigin) =>
        TryParse(requestOrigin, saving: false, out var request, out _)
        && CanonicalForms(allowedOrigins).Any(allowed => Accepts(allowed, request.ToString()));

    /// <summary>
    /// The normalised forms of saved origins, leaving out any that no longer parse (hand-edited, or
    /// saved under older rules): those accept nothing.
    /// </summary>
    public static string[] CanonicalForms(IEnumerable<string> allowedOrigins)
    {
        ArgumentNullException.ThrowIfNull(allowedOrigins);
        return allowedOrigins
            .Select(allowed => TryParse(allowed, saving: true, out var origin, out _) ? origin.ToString() : null)
            .OfType<string>()
            .ToArray();
    }

    /// <summary>
    /// True when the value of a browser's <c>Origin</c> header is accepted by a normalised origin
    /// (see <see cref="CanonicalForms"/>). Browsers send origins already normalised, so this
    /// compares strings only: exactly, or for a wildcard, as a subdomain of the part after <c>*</c>
    /// with the same scheme and port.
    /// </summary>
    public static bool Accepts(string canonicalAllowed, string? requestOrigin)
    {
        ArgumentNullException.ThrowIfNull(canonicalAllowed);
        if (requestOrigin is null)
        {
            return false;
        }

        var wildcard = canonicalAllowed.IndexOf(WildcardMarker, StringComparison.Ordinal);
        if (wildcard < 0)
        {
            return string.Equals(canonicalAllowed, requestOrigin, StringComparison.Ordinal);
        }

        var scheme = canonicalAllowed.AsSpan(0, wildcard + SchemeSeparator.Length);
        var suffix = canonicalAllowed.AsSpan(wildcard + WildcardMarker.Length - 1);
        var request = requestOrigin.AsSpan();
        if (request.Length <= scheme.Length + suffix.Length || !request.StartsWith(scheme, StringComparison.Ordinal)
            || !request.EndsWith(suffix, StringComparison.Ordinal))
        {
            return false;
        }

        // A wildcard saved before public suffixes were refused (https://*.github.io) would cover every
        // stranger's site there: it accepts nothing, and the Allowed origins dialog says why.
        if (CoversPublicSuffix(suffix))
        {
            return false;
        }

        // The suffix starts with its dot, which is what keeps evilexample.com out of *.example.com and,
        // with the length check above, the apex out. What comes before it must be host labels only:
        // a ':', '/' or '@' there would mean the suffix is not where the host ends.
        var subdomains = request[scheme.Length..^suffix.Length];
        if (subdomains[0] == '.' || subdomains[^1] == '.')
        {
            return false;
        }

        foreach (var c in subdomains)
        {
            if (!char.IsAsciiLetterLower(c) && !char.IsAsciiDigit(c) && c is not ('-' or '.'))
            {
                return false;
            }
        }

        return true;
    }

    // The host part of a wildcard's suffix (".github.io:8443" → "github.io").
    private static bool CoversPublicSuffix(ReadOnlySpan<char> suffix)
    {
        var host = suffix[1..];
        var port = host.IndexOf(':');
        return PublicSuffixList.IsPublicSuffix(port < 0 ? host : host[..port]);
    }

    /// <remarks>
    /// Request origins (<paramref name="saving"/> false) are held to what a browser sends: no wildcard and no trailing slash.
    /// The literal <c>null</c> origin fails for want of a scheme.
    /// </remarks>
    private static bool TryParse(
        string? input,
        bool saving,
        [NotNullWhen(true)] out AllowedOrigin? origin,
        [NotNullWhen(false)] out OriginError? error)
    {
        var text = input.AsSpan().Trim();
        if (text.IsEmpty)
        {
            return Refuse(new OriginError(OriginProblem.EmptyInput), out origin, out error);
        }

        if (text.Length > MaxLength)
        {
            return Refuse(new OriginError(OriginProblem.TooLong), out origin, out error);
        }

        if (text is "*")
        {
            return Refuse(new OriginError(OriginProblem.BareWildcard), out origin, out error);
        }

        var schemeEnd = text.IndexOf("://".AsSpan());
        if (schemeEnd <= 0 || !IsSchemeSyntax(text[..schemeEnd]))
        {
            return Refuse(new OriginError(OriginProblem.MissingScheme), out origin, out error);
        }

        var schemeText = text[..schemeEnd];
        string scheme;
        if (schemeText.Equals("https", StringComparison.OrdinalIgnoreCase))
        {
            scheme = "https";
        }
        else if (schemeText.Equals("http", StringComparison.OrdinalIgnoreCase))
        {
            scheme = "http";
        }
        else
        {
            return Refuse(new OriginError(OriginProblem.UnsupportedScheme, schemeText.ToString().ToLowerInvariant()), out origin, out error);
        }

        var afterScheme = text[(schemeEnd + 3)..];
        var authorityEnd = afterScheme.IndexOfAny('/', '?', '#');
        var authority = authorityEnd < 0 ? afterScheme : afterScheme[..authorityEnd];

        // Checked before the rest because with userinfo present the host and port cannot be told apart.
        if (authority.Contains('@'))
        {
            return Refuse(new OriginError(OriginProblem.UserInfo), out origin, out error);
        }

        if (authorityEnd >= 0)
        {
            var tail = afterScheme[authorityEnd..];

            // People paste origins copied from the address bar, which adds a slash; browsers never send one.
            if (!(saving && tail is "/"))
            {
                return Refuse(DescribeTail(tail), out origin, out error);
            }
        }

        var problem = SplitHostAndPort(authority, out var hostText, out var portText);
        int? port = null;
        if (problem is null)
        {
            problem = ParsePort(portText, scheme, out port);
        }

        if (problem is not null)
        {
            return Refuse(problem, out origin, out error);
        }

        var isWildcard = false;
        string host;
        if (hostText[0] == '[')
        {
            problem = NormalizeIpv6(hostText[1..^1], out host);
        }
        else
        {
            problem = NormalizeName(hostText, saving, out host, out isWildcard);
        }

        if (problem is not null)
        {
            return Refuse(problem, out origin, out error);
        }

        origin = new AllowedOrigin(scheme, host, port, isWildcard);
        error = null;
        return true;
    }

    private static bool Refuse(OriginError problem, [NotNullWhen(true)] out AllowedOrigin? origin, [NotNullWhen(false)] out OriginError? error)
    {
        origin = null;
        error = problem;
        return false;
    }

    private static bool IsSchemeSyntax(ReadOnlySpan<char> scheme)
    {
        if (!char.IsAsciiLetter(scheme[0]))
        {
            return false;
        }

        foreach (var c in scheme)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('+' or '-' or '.'))
            {
                return false;
            }
        }

        return true;
    }

    private static OriginError DescribeTail(ReadOnlySpan<char> tail)
    {
        if (tail[0] == '/')
        {
            // "https://a.example.com/?x" has no path to speak of; the query is the thing to remove.
            var afterSlash = tail[1..];
            if (afterSlash.IsEmpty || afterSlash[0] is not ('?' or '#'))
            {
                return new OriginError(OriginProblem.PathPresent);
            }

            tail = afterSlash;
        }

        return tail[0] == '?' ? new OriginError(OriginProblem.QueryPresent) : new OriginError(OriginProblem.FragmentPresent);
    }

    private static OriginError? SplitHostAndPort(ReadOnlySpan<char> authority, out ReadOnlySpan<char> host, out ReadOnlySpan<char> port)
    {
        host = default;
        port = default;
        if (authority.IsEmpty)
        {
            return new OriginError(OriginProblem.MissingHost);
        }

        if (authority[0] == '[')
        {
            var close = authority.IndexOf(']');
            if (close < 0)
            {
                return new OriginError(OriginProblem.InvalidIpv6);
            }

            var afterHost = authority[(close + 1)..];
            if (!afterHost.IsEmpty && afterHost[0] != ':')
            {
                return new OriginError(OriginProblem.InvalidIpv6);
            }

            host = authority[..(close + 1)];
            port = afterHost;
            return null;
        }

        var colon = authority.IndexOf(':');
        if (colon < 0)
        {
            host = authority;
            return null;
        }

        if (authority[(colon + 1)..].Contains(':'))
        {
            return LooksLikeBareIpv6(authority) ? new OriginError(OriginProblem.Ipv6NeedsBrackets) : new OriginError(OriginProblem.InvalidPort);
        }

        host = authority[..colon];
        port = authority[colon..];
        return host.IsEmpty ? new OriginError(OriginProblem.MissingHost) : null;
    }

    private static bool LooksLikeBareIpv6(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiHexDigit(c) && c is not (':' or '.'))
            {
                return false;
            }
        }

        return true;
    }

    /// <param name="portText">Empty, or the colon and what follows it.</param>
    private static OriginError? ParsePort(ReadOnlySpan<char> portText, string scheme, out int? port)
    {
        port = null;
        if (portText.IsEmpty)
        {
            return null;
        }

        var digits = portText[1..];
        if (digits.IsEmpty || digits.Length > 5)
        {
            return new OriginError(OriginProblem.InvalidPort);
        }

        var value = 0;
        foreach (var c in digits)
        {
            if (!char.IsAsciiDigit(c))
            {
                return new OriginError(OriginProblem.InvalidPort);
            }

            value = (value * 10) + (c - '0');
        }

        if (value is < 1 or > 65535)
        {
            return new OriginError(OriginProblem.InvalidPort);
        }

        // Browsers leave the default port out of the Origin header, so it must be left out here too to compare equal.
        var defaultPort = scheme == "https" ? 443 : 80;
        port = value == defaultPort ? null : value;
        return null;
    }

    private static OriginError? NormalizeIpv6(ReadOnlySpan<char> inside, out string host)
    {
        host = string.Empty;

        // IPAddress also takes zone ids ("%eth0") and IPv4 text, neither of which a browser origin can carry.
        if (inside.IsEmpty || !LooksLikeBareIpv6(inside) || !inside.Contains(':'))
        {
            return new OriginError(OriginProblem.InvalidIpv6);
        }

        if (!IPAddress.TryParse(inside, out var address) || address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return new OriginError(OriginProblem.InvalidIpv6);
        }

        // One canonical spelling, so [0:0:0:0:0:0:0:1] and [::1] are the same origin.
        host = "[" + address.ToString() + "]";
        return null;
    }

    private static OriginError? NormalizeName(ReadOnlySpan<char> text, bool saving, out string host, out bool isWildcard)
    {
        host = string.Empty;
        isWildcard = false;

        if (text[^1] == '.')
        {
            text = text[..^1];
        }

        if (text.Contains('*'))
        {
            if (text is "*")
            {
                return new OriginError(OriginProblem.WildcardTooBroad);
            }

            if (!saving || !text.StartsWith("*.") || text[2..].Contains('*'))
            {
                return new OriginError(OriginProblem.WildcardPlacement);
            }

            isWildcard = true;
            text = text[2..];
        }

        if (text.IsEmpty || text[0] == '.' || text[^1] == '.' || text.Contains("..", StringComparison.Ordinal))
        {
            return new OriginError(OriginProblem.EmptyLabel);
        }

        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                return new OriginError(OriginProblem.HostWithSpaces);
            }

            if (char.IsAscii(c) && !char.IsAsciiLetterOrDigit(c) && c is not ('-' or '.'))
            {
                return new OriginError(OriginProblem.InvalidHostCharacter, c.ToString());
            }
        }

        string ascii;
        if (Ascii.IsValid(text))
        {
            ascii = text.ToString().ToLowerInvariant();
        }
        else
        {
            try
            {
                ascii = new IdnMapping { UseStd3AsciiRules = true }.GetAscii(text.ToString()).ToLowerInvariant();
            }
            catch (ArgumentException)
            {
                return new OriginError(OriginProblem.InvalidIdn);
            }

            // IDNA maps the ideographic full stop to a dot, so a trailing one only shows up now.
            if (ascii.EndsWith('.'))
            {
                ascii = ascii[..^1];
            }
        }

        var problem = CheckLabels(ascii, saving, out var labelCount);
        if (problem is not null)
        {
            return problem;
        }

        var lastLabel = ascii.AsSpan(ascii.LastIndexOf('.') + 1);
        if (IsAllDigits(lastLabel))
        {
            // Browsers read any name ending in a number as an IPv4 address, so only the dotted-quad form can ever match.
            if (!IsDottedQuad(ascii))
            {
                return new OriginError(OriginProblem.InvalidIpv4);
            }

            if (isWildcard)
            {
                return new OriginError(OriginProblem.WildcardOnIp);
            }
        }

        if (isWildcard && labelCount < 2)
        {
            return new OriginError(OriginProblem.WildcardTooBroad);
        }

        if (isWildcard && PublicSuffixList.IsPublicSuffix(ascii))
        {
            return new OriginError(OriginProblem.WildcardOnPublicSuffix, ascii);
        }

        host = ascii;
        return null;
    }

    private static OriginError? CheckLabels(string host, bool saving, out int labelCount)
    {
        labelCount = 0;
        foreach (var range in host.AsSpan().Split('.'))
        {
            var label = host.AsSpan(range);
            labelCount++;
            if (label.IsEmpty)
            {
                return new OriginError(OriginProblem.EmptyLabel);
            }

            if (label.Length > MaxLabelLength)
            {
                return new OriginError(OriginProblem.LabelTooLong);
            }

            if (label[0] == '-' || label[^1] == '-')
            {
                return new OriginError(OriginProblem.HyphenAtEdge);
            }

            foreach (var c in label)
            {
                if (!char.IsAsciiLetterLower(c) && !char.IsAsciiDigit(c) && c != '-')
                {
                    return new OriginError(OriginProblem.InvalidIdn);
                }
            }

            // Only worth checking when saving: a request host equal to a saved one is valid because the saved one was.
            if (saving && label.StartsWith("xn--") && !IsValidPunycode(label))
            {
                return new OriginError(OriginProblem.InvalidIdn);
            }
        }

        return null;
    }

    private static bool IsValidPunycode(ReadOnlySpan<char> label)
    {
        try
        {
            _ = new IdnMapping { UseStd3AsciiRules = true }.GetUnicode(label.ToString());
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static bool IsAllDigits(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return !text.IsEmpty;
    }

    /// <remarks>Leading zeros are refused because browsers read them as octal, so the text would not mean what it says.</remarks>
    private static bool IsDottedQuad(string host)
    {
        var parts = 0;
        foreach (var range in host.AsSpan().Split('.'))
        {
            var part = host.AsSpan(range);
            parts++;
            if (parts > 4
                || !IsAllDigits(part)
                || part.Length > 3
                || (part.Length > 1 && part[0] == '0')
                || int.Parse(part, CultureInfo.InvariantCulture) > 255)
            {
                return false;
            }
        }

        return parts == 4;
    }
}
