namespace Mentiora.Grains.Projects;

/// <summary>An origin a key's browser requests came from that its allowed origins did not accept, counted per day.</summary>
[GenerateSerializer, Alias("Mentiora.BlockedOrigin")]
public sealed class BlockedOrigin
{
    /// <summary>The request's <c>Origin</c> header, as the browser sent it.</summary>
    [Id(0)] public string Origin { get; set; } = string.Empty;

    /// <summary>When a request last came from it.</summary>
    [Id(1)] public DateTimeOffset LastSeen { get; set; }

    /// <summary>Requests from it per UTC day; days older than the window are dropped when it is next seen.</summary>
    [Id(2)] public Dictionary<DateOnly, int> CountsByDay { get; set; } = [];

    /// <summary>True when the last request was let through because the key was in report-only mode.</summary>
    [Id(3)] public bool LastLetThrough { get; set; }
}
