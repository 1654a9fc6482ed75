using System.Text.Encodings.Web;
using System.Text.Json;
using Mentiora.Web.Traces;

namespace Mentiora.Web.Pages.Projects;

/// <summary>The selected span's panel: its facts, the parts of its event made readable, and the whole event as sent.</summary>
public sealed record SpanPanelView(TraceSpan Span, string KeyPrefix, IReadOnlyList<(string Title, string Json)> Sections, string FullEvent)
{
    // Indented for reading; the page escapes it as HTML, so JSON escaping can stay relaxed and readable.
    private static readonly JsonSerializerOptions Readable = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly (string Title, string Field)[] Parts =
        [("Input", "input"), ("Output", "output"), ("Metadata", "metadata"), ("Usage", "usage"), ("Error", "error")];

    /// <summary>The panel of <paramref name="span"/>; only the parts its event has get a section.</summary>
    public static SpanPanelView From(SpanWithEvent span, string keyPrefix)
    {
        using var document = JsonDocument.Parse(span.Event);
        var root = document.RootElement;
        var sections = Parts
            .Where(p => root.TryGetProperty(p.Field, out var value) && value.ValueKind != JsonValueKind.Null)
            .Select(p => (p.Title, JsonSerializer.Serialize(root.GetProperty(p.Field), Readable)))
            .ToArray();
        return new SpanPanelView(span.Span, keyPrefix, sections, JsonSerializer.Serialize(root, Readable));
    }
}
