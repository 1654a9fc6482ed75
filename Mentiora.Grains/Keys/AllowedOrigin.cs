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
    // The longest a DNS name can be; anything longer was not typed as an origin.
    private const int MaxLength = 253;

    private const int MaxLabelLength = 63;
    private const string OnlyOrigin = "an origin is only scheme://host[:port], like https://app.example.com.";

    private const string EmptyInput = "Enter an origin, like https://app.example.com.";
    private const string TooLong = "An origin can be at most 253 characters long.";
    private const string BareWildcard =
        "A bare * would accept traces from any website; name the site instead, like https://app.example.com or https://*.example.com.";
    private const string MissingScheme = "Start with https:// or http://, like https://app.example.com.";
    private const string UserInfo = "Remove the user name and password before @: " + OnlyOrigin;
    private const string PathPresent = "Remove the path: " + OnlyOrigin;
    private const string QueryPresent = "Remove the query (from ? onwards): " + OnlyOrigin;
    private const string FragmentPresent = "Remove the fragment (from # onwards): " + OnlyOrigin;
    private const string MissingHost = "Add a host after the scheme, like https://app.example.com.";
    private const string InvalidPort = "The port must be a number from 1 to 65535, like https://app.example.com:8443.";
    private const string Ipv6NeedsBrackets = "Put an IPv6 address in square brackets, like http://[::1]:8080.";
    private const string InvalidIpv6 = "Enter a valid IPv6 address in square brackets, like http://[::1]:8080.";
    private const string InvalidIpv4 = "Write an IP address as four numbers from 0 to 255, like http://127.0.0.1:3000.";
    private const string EmptyLabel = "The host has an empty part between dots; remove the extra dot.";
    private const string HostWithSpaces = "The host cannot contain spaces; use only letters, digits, hyphens and dots, like app.example.com.";
    private const string HyphenAtEdge = "A part of the host cannot start or end with a hyphen.";
    private const string LabelTooLong = "Each part of the host between dots can be at most 63 characters.";
    private const string InvalidIdn = "The host is not a valid international domain name.";
    private const string WildcardPlacement = "A wildcard * can only be the whole first part of the host, like https://*.example.com.";
    private const string WildcardTooBroad =
        "A wildcard needs at least two parts after it, like https://*.example.com; https://*.com would accept every .com website.";
    private const string WildcardOnIp = "A wildcard cannot be used with an IP address; list each address on its own.";

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

    /// <summary>Parses an origin a person typed, giving a sentence that says what to fix when it is refused.</summary>
    public static bool TryParse(string? input, [NotNullWhen(true)] out AllowedOrigin? origin, [NotNullWhen(false)] out string? error) =>
        TryParse(input, saving: true, out origin, out error);

    /// <summary>True when the value of a browser's <c>Origin</c> header is accepted by this origin.</summary>
    public bool Matches(string? requestOrigin) =>
        TryParse(requestOrigin, saving: false, out var request, out _) && Covers(request);

    /// <summary>True when any of the saved origins accepts the value of a browser's <c>Origin</c> header.</summary>
    public static bool MatchesAny(IEnumerable<string> allowedOrigins, string? requestOrigin)
    {
        ArgumentNullException.ThrowIfNull(allowedOrigins);

        if (!TryParse(requestOrigin, saving: false, out var request, out _))
        {
            return false;
        }

        foreach (var allowed in allowedOrigins)
        {
            // A stored value that no longer parses (hand-edited, or saved under older rules) accepts nothing.
            if (TryParse(allowed, saving: true, out var origin, out _) && origin.Covers(request))
            {
                return true;
            }
        }

        return false;
    }

    private bool Covers(AllowedOrigin request)
    {
        if (request.Scheme != Scheme || request.Port != Port)
        {
            return false;
        }

        if (!IsWildcard)
        {
            return request.Host == Host;
        }

        // The dot before the suffix is what keeps evilexample.com out of *.example.com,
        // and the extra length is what keeps the apex out.
        var requestHost = request.Host;
        return requestHost.Length > Host.Length + 1
            && requestHost.EndsWith(Host, StringComparison.Ordinal)
            && requestHost[requestHost.Length - Host.Length - 1] == '.';
    }

    /// <remarks>
    /// Request origins (<paramref name="saving"/> false) are held to what a browser sends: no wildcard and no trailing slash.
    /// The literal <c>null</c> origin fails for want of a scheme.
    /// </remarks>
    private static bool TryParse(
        string? input,
        bool saving,
        [NotNullWhen(true)] out AllowedOrigin? origin,
        [NotNullWhen(false)] out string? error)
    {
        var text = input.AsSpan().Trim();
        if (text.IsEmpty)
        {
            return Refuse(EmptyInput, out origin, out error);
        }

        if (text.Length > MaxLength)
        {
            return Refuse(TooLong, out origin, out error);
        }

        if (text is "*")
        {
            return Refuse(BareWildcard, out origin, out error);
        }

        var schemeEnd = text.IndexOf("://".AsSpan());
        if (schemeEnd <= 0 || !IsSchemeSyntax(text[..schemeEnd]))
        {
            return Refuse(MissingScheme, out origin, out error);
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
            var unsupported = $"Only https:// and http:// origins are supported, not {schemeText.ToString().ToLowerInvariant()}://.";
            return Refuse(unsupported, out origin, out error);
        }

        var afterScheme = text[(schemeEnd + 3)..];
        var authorityEnd = afterScheme.IndexOfAny('/', '?', '#');
        var authority = authorityEnd < 0 ? afterScheme : afterScheme[..authorityEnd];

        // Checked before the rest because with userinfo present the host and port cannot be told apart.
        if (authority.Contains('@'))
        {
            return Refuse(UserInfo, out origin, out error);
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

    private static bool Refuse(string message, [NotNullWhen(true)] out AllowedOrigin? origin, [NotNullWhen(false)] out string? error)
    {
        origin = null;
        error = message;
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

    private static string DescribeTail(ReadOnlySpan<char> tail)
    {
        if (tail[0] == '/')
        {
            // "https://a.example.com/?x" has no path to speak of; the query is the thing to remove.
            var afterSlash = tail[1..];
            if (afterSlash.IsEmpty || afterSlash[0] is not ('?' or '#'))
            {
                return PathPresent;
            }

            tail = afterSlash;
        }

        return tail[0] == '?' ? QueryPresent : FragmentPresent;
    }

    private static string? SplitHostAndPort(ReadOnlySpan<char> authority, out ReadOnlySpan<char> host, out ReadOnlySpan<char> port)
    {
        host = default;
        port = default;
        if (authority.IsEmpty)
        {
            return MissingHost;
        }

        if (authority[0] == '[')
        {
            var close = authority.IndexOf(']');
            if (close < 0)
            {
                return InvalidIpv6;
            }

            var afterHost = authority[(close + 1)..];
            if (!afterHost.IsEmpty && afterHost[0] != ':')
            {
                return InvalidIpv6;
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
            return LooksLikeBareIpv6(authority) ? Ipv6NeedsBrackets : InvalidPort;
        }

        host = authority[..colon];
        port = authority[colon..];
        return host.IsEmpty ? MissingHost : null;
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
    private static string? ParsePort(ReadOnlySpan<char> portText, string scheme, out int? port)
    {
        port = null;
        if (portText.IsEmpty)
        {
            return null;
        }

        var digits = portText[1..];
        if (digits.IsEmpty || digits.Length > 5)
        {
            return InvalidPort;
        }

        var value = 0;
        foreach (var c in digits)
        {
            if (!char.IsAsciiDigit(c))
            {
                return InvalidPort;
            }

            value = (value * 10) + (c - '0');
        }

        if (value is < 1 or > 65535)
        {
            return InvalidPort;
        }

        // Browsers leave the default port out of the Origin header, so it must be left out here too to compare equal.
        var defaultPort = scheme == "https" ? 443 : 80;
        port = value == defaultPort ? null : value;
        return null;
    }

    private static string? NormalizeIpv6(ReadOnlySpan<char> inside, out string host)
    {
        host = string.Empty;

        // IPAddress also takes zone ids ("%eth0") and IPv4 text, neither of which a browser origin can carry.
        if (inside.IsEmpty || !LooksLikeBareIpv6(inside) || !inside.Contains(':'))
        {
            return InvalidIpv6;
        }

        if (!IPAddress.TryParse(inside, out var address) || address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return InvalidIpv6;
        }

        // One canonical spelling, so [0:0:0:0:0:0:0:1] and [::1] are the same origin.
        host = "[" + address.ToString() + "]";
        return null;
    }

    private static string? NormalizeName(ReadOnlySpan<char> text, bool saving, out string host, out bool isWildcard)
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
                return WildcardTooBroad;
            }

            if (!saving || !text.StartsWith("*.") || text[2..].Contains('*'))
            {
                return WildcardPlacement;
            }

            isWildcard = true;
            text = text[2..];
        }

        if (text.IsEmpty || text[0] == '.' || text[^1] == '.' || text.Contains("..", StringComparison.Ordinal))
        {
            return EmptyLabel;
        }

        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                return HostWithSpaces;
            }

            if (char.IsAscii(c) && !char.IsAsciiLetterOrDigit(c) && c is not ('-' or '.'))
            {
                return $"The host cannot contain '{c}'; use only letters, digits, hyphens and dots, like app.example.com.";
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
                return InvalidIdn;
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
                return InvalidIpv4;
            }

            if (isWildcard)
            {
                return WildcardOnIp;
            }
        }

        if (isWildcard && labelCount < 2)
        {
            return WildcardTooBroad;
        }

        host = ascii;
        return null;
    }

    private static string? CheckLabels(string host, bool saving, out int labelCount)
    {
        labelCount = 0;
        foreach (var range in host.AsSpan().Split('.'))
        {
            var label = host.AsSpan(range);
            labelCount++;
            if (label.IsEmpty)
            {
                return EmptyLabel;
            }

            if (label.Length > MaxLabelLength)
            {
                return LabelTooLong;
            }

            if (label[0] == '-' || label[^1] == '-')
            {
                return HyphenAtEdge;
            }

            foreach (var c in label)
            {
                if (!char.IsAsciiLetterLower(c) && !char.IsAsciiDigit(c) && c != '-')
                {
                    return InvalidIdn;
                }
            }

            // Only worth checking when saving: a request host equal to a saved one is valid because the saved one was.
            if (saving && label.StartsWith("xn--") && !IsValidPunycode(label))
            {
                return InvalidIdn;
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
