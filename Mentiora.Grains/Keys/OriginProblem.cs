namespace Mentiora.Grains.Keys;

/// <summary>Which rule a typed origin broke; the dashboard words each one.</summary>
[GenerateSerializer, Alias("Mentiora.OriginProblem")]
public enum OriginProblem
{
    EmptyInput,
    TooLong,
    BareWildcard,
    MissingScheme,

    /// <summary>A scheme other than https or http; the detail is the scheme.</summary>
    UnsupportedScheme,
    UserInfo,
    PathPresent,
    QueryPresent,
    FragmentPresent,
    MissingHost,
    InvalidPort,
    Ipv6NeedsBrackets,
    InvalidIpv6,
    InvalidIpv4,
    EmptyLabel,
    HostWithSpaces,

    /// <summary>A character a host cannot have; the detail is the character.</summary>
    InvalidHostCharacter,
    HyphenAtEdge,
    LabelTooLong,
    InvalidIdn,
    WildcardPlacement,
    WildcardTooBroad,
    WildcardOnIp,

    /// <summary>A wildcard whose base is a public suffix (github.io, co.uk), so it would cover strangers' sites; the detail is the suffix.</summary>
    WildcardOnPublicSuffix,
}
