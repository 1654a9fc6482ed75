using Mentiora.Grains.Keys;
using Mentiora.Grains.Projects;

namespace Mentiora.Web.Pages.Projects;

/// <summary>What the Allowed origins dialog says about a typed origin and about each change to a key's origins.</summary>
public static class OriginMessages
{
    private const string OnlyOrigin = "an origin is only scheme://host[:port], like https://app.example.com.";

    /// <summary>The sentence that says what to fix in a refused origin.</summary>
    public static string Describe(OriginError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return error.Problem switch
        {
            OriginProblem.EmptyInput => "Enter an origin, like https://app.example.com.",
            OriginProblem.TooLong => $"An origin can be at most {AllowedOrigin.MaxLength} characters long.",
            OriginProblem.BareWildcard =>
                "A bare * would accept traces from any website; name the site instead, like https://app.example.com or https://*.example.com.",
            OriginProblem.MissingScheme => "Start with https:// or http://, like https://app.example.com.",
            OriginProblem.UnsupportedScheme => $"Only https:// and http:// origins are supported, not {error.Detail}://.",
            OriginProblem.UserInfo => "Remove the user name and password before @: " + OnlyOrigin,
            OriginProblem.PathPresent => "Remove the path: " + OnlyOrigin,
            OriginProblem.QueryPresent => "Remove the query (from ? onwards): " + OnlyOrigin,
            OriginProblem.FragmentPresent => "Remove the fragment (from # onwards): " + OnlyOrigin,
            OriginProblem.MissingHost => "Add a host after the scheme, like https://app.example.com.",
            OriginProblem.InvalidPort => "The port must be a number from 1 to 65535, like https://app.example.com:8443.",
            OriginProblem.Ipv6NeedsBrackets => "Put an IPv6 address in square brackets, like http://[::1]:8080.",
            OriginProblem.InvalidIpv6 => "Enter a valid IPv6 address in square brackets, like http://[::1]:8080.",
            OriginProblem.InvalidIpv4 => "Write an IP address as four numbers from 0 to 255, like http://127.0.0.1:3000.",
            OriginProblem.EmptyLabel => "The host has an empty part between dots; remove the extra dot.",
            OriginProblem.HostWithSpaces => "The host cannot contain spaces; use only letters, digits, hyphens and dots, like app.example.com.",
            OriginProblem.InvalidHostCharacter =>
                $"The host cannot contain '{error.Detail}'; use only letters, digits, hyphens and dots, like app.example.com.",
            OriginProblem.HyphenAtEdge => "A part of the host cannot start or end with a hyphen.",
            OriginProblem.LabelTooLong => "Each part of the host between dots can be at most 63 characters.",
            OriginProblem.InvalidIdn => "The host is not a valid international domain name.",
            OriginProblem.WildcardPlacement => "A wildcard * can only be the whole first part of the host, like https://*.example.com.",
            OriginProblem.WildcardTooBroad =>
                "A wildcard needs at least two parts after it, like https://*.example.com; https://*.com would accept every .com website.",
            OriginProblem.WildcardOnIp => "A wildcard cannot be used with an IP address; list each address on its own.",
            OriginProblem.WildcardOnPublicSuffix =>
                $"The wildcard *.{error.Detail} would allow every site on {error.Detail}, a public suffix where anyone can register a site of their own; list your own subdomain instead, like https://*.yourapp.{error.Detail} or https://yourapp.{error.Detail}.",
            _ => throw new ArgumentOutOfRangeException(nameof(error), error.Problem, null),
        };
    }

    /// <summary>
    /// Why a stored origin accepts nothing, or null when it is in force: one saved before a rule it
    /// breaks existed (a wildcard on a public suffix such as https://*.github.io) is kept, so its
    /// owner sees it and what to do, but no request matches it.
    /// </summary>
    public static string? Ignored(string storedOrigin) =>
        AllowedOrigin.TryParse(storedOrigin, out _, out var error) ? null : $"Accepts nothing. {Describe(error)}";

    /// <summary>Why a change was refused, or null when it was made.</summary>
    public static string? ErrorFor(OriginChange change, bool added)
    {
        ArgumentNullException.ThrowIfNull(change);
        return change.Outcome switch
        {
            OriginChangeOutcome.Invalid => Describe(change.Error!),
            OriginChangeOutcome.Unchanged => added ? $"{change.Origin} is already allowed." : $"{change.Origin} is not one of this key's origins.",
            OriginChangeOutcome.TooMany =>
                $"A key can allow at most {ProjectGrain.MaxAllowedOrigins} origins. Remove one, or use a wildcard like https://*.example.com.",
            _ => null,
        };
    }

    /// <summary>What the dialog confirms after a change was made.</summary>
    public static string Done(OriginChange change, bool added)
    {
        ArgumentNullException.ThrowIfNull(change);
        return added ? $"Added {change.Origin}." : $"Removed {change.Origin}.";
    }

    /// <summary>What Test an origin answers, or null when the key is gone.</summary>
    public static OriginTestAnswer? Tested(OriginTest test)
    {
        ArgumentNullException.ThrowIfNull(test);
        return test.Outcome switch
        {
            OriginTestOutcome.NotFound => null,
            // A wildcard rule that could never be saved: why it cannot be saved is the useful answer.
            OriginTestOutcome.Invalid when test.Error!.Problem == OriginProblem.WildcardOnPublicSuffix => new(Describe(test.Error), false),
            OriginTestOutcome.Invalid => new("A browser never sends this as an origin: " + Describe(test.Error!), false),
            OriginTestOutcome.Pattern => new(
                $"{test.Origin} is a wildcard rule, but a browser always sends one exact origin; test one, like https://app.example.com.", false),
            OriginTestOutcome.MatchesExactly => new($"{test.Origin} would be accepted: it is one of this key's allowed origins.", true),
            OriginTestOutcome.MatchesWildcard => new($"{test.Origin} would be accepted: the allowed origin {test.MatchedRule} covers it.", true),
            OriginTestOutcome.NotAllowed => new(
                $"{test.Origin} would be refused (origin_not_allowed): none of this key's allowed origins covers it. Add it, or a wildcard that covers it.", false),
            OriginTestOutcome.AcceptedByReportOnly => new(
                $"{test.Origin} would be accepted only because Report only is on: none of this key's allowed origins covers it, so it is refused once Report only is off.", true),
            _ => throw new ArgumentOutOfRangeException(nameof(test), test.Outcome, null),
        };
    }

    /// <summary>What the dialog confirms after report-only was switched.</summary>
    public static string ReportOnlySwitched(bool reportOnly) => reportOnly
        ? "Report only is on: requests from origins that are not allowed are accepted and listed under Blocked origins."
        : "Report only is off: requests from origins that are not allowed are refused.";

    /// <summary>What the dialog confirms after require-identity-token was switched.</summary>
    public static string RequireIdentityTokenSwitched(bool requireIdentityToken) => requireIdentityToken
        ? "Require identity token is on: browser requests without a valid identity token are refused (identity_token_invalid)."
        : "Require identity token is off: browser requests without an identity token are accepted as anonymous.";

    /// <summary>How a blocked origin's requests are summed up in its list entry.</summary>
    public static string BlockedCount(BlockedOriginSummary blocked)
    {
        ArgumentNullException.ThrowIfNull(blocked);
        var requests = blocked.Count == 1 ? "1 request" : $"{blocked.Count} requests";
        return blocked.LastLetThrough ? $"{requests}, the last let through by Report only" : $"{requests} refused";
    }
}
