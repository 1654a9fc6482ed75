namespace Mentiora.Grains.Projects;

/// <summary>Whether a browser on a given origin would be let in with a key's publishable key, and by which rule.</summary>
[GenerateSerializer, Alias("Mentiora.OriginTestOutcome")]
public enum OriginTestOutcome
{
    /// <summary>The project, the key or the membership does not exist.</summary>
    NotFound,

    /// <summary>The text is not a valid origin; the result says why.</summary>
    Invalid,

    /// <summary>The text is a wildcard pattern, which no browser sends; only a concrete origin can be tested.</summary>
    Pattern,

    /// <summary>One of the allowed origins is exactly this origin.</summary>
    MatchesExactly,

    /// <summary>A wildcard allowed origin covers this origin.</summary>
    MatchesWildcard,

    /// <summary>No allowed origin covers it, so requests from it are refused.</summary>
    NotAllowed,

    /// <summary>No allowed origin covers it, but the key is in report-only mode, so requests from it are accepted and recorded.</summary>
    AcceptedByReportOnly,
}
