namespace Mentiora.Web.Pages.Projects;

/// <summary>A turn's input or output text, cut to a length that keeps the page readable, and the span it came from (the "show all" link opens it).</summary>
public sealed record TurnText(string Text, bool Truncated, Guid SpanId)
{
    /// <summary>Most characters shown of one text.</summary>
    public const int MaxLength = 600;

    /// <summary>The text of <paramref name="spanId"/>, cut at <see cref="MaxLength"/>.</summary>
    public static TurnText Of(string text, Guid spanId) =>
        text.Length > MaxLength ? new TurnText(text[..MaxLength] + "…", true, spanId) : new TurnText(text, false, spanId);
}
