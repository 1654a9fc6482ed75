namespace Mentiora.Grains.Usage;

/// <summary>Where a request came from, as the request itself said: page origin, user agent and client address.</summary>
[GenerateSerializer, Alias("Mentiora.RequestFacts")]
public sealed record RequestFacts(
    [property: Id(0)] string? Origin,
    [property: Id(1)] string? UserAgent,
    [property: Id(2)] string? ClientAddress)
{
    /// <summary>Longest origin or user agent kept: the values come from the caller, who could send megabytes.</summary>
    public const int MaxLength = 200;

    /// <summary>The facts with over-long values cut, so a hostile client cannot grow the project's stored state.</summary>
    public static RequestFacts Of(string? origin, string? userAgent, string? clientAddress) =>
        new(Cut(origin), Cut(userAgent), Cut(clientAddress));

    private static string? Cut(string? value) =>
        string.IsNullOrEmpty(value) ? null : value.Length <= MaxLength ? value : value[..MaxLength];
}
