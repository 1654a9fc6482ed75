using System.Text.Encodings.Web;
using System.Text.Json;
using Mentiora.Grains.Projects;
using Mentiora.Web.Traces;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Mentiora.Web.Pages.Projects;

/// <summary>One trace in full: its fields, its JSON parts made readable, and the rest of its conversation.</summary>
public sealed class TraceDetailModel(IGrainFactory grains, TraceReader traces) : PageModel
{
    private const int ConversationLimit = 200;

    // Indented for reading; the page escapes it as HTML, so JSON escaping can stay relaxed and readable.
    private static readonly JsonSerializerOptions Readable = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    [FromRoute]
    public Guid ProjectId { get; set; }

    [FromRoute]
    public long TraceRowId { get; set; }

    public ProjectSettings Project { get; private set; } = null!;

    public TraceRow Trace { get; private set; } = null!;

    public IReadOnlyList<(string Title, string Json)> Sections { get; private set; } = [];

    public IReadOnlyList<TraceRow> Conversation { get; private set; } = [];

    public string FullEvent { get; private set; } = string.Empty;

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var project = await grains.GetGrain<IProjectDashboardGrain>(ProjectId).GetSettings(User.AccountKey());
        var trace = project is null ? null : await traces.FindAsync(ProjectId, TraceRowId, cancellationToken);
        if (project is null || trace is null)
        {
            return NotFound();
        }

        Project = project;
        Trace = trace;
        using var document = JsonDocument.Parse(trace.Event!);
        FullEvent = JsonSerializer.Serialize(document.RootElement, Readable);
        Sections = new[] { ("Input", "input"), ("Output", "output"), ("Metadata", "metadata"), ("Usage", "usage"), ("Error", "error") }
            .Where(s => document.RootElement.TryGetProperty(s.Item2, out var v) && v.ValueKind != JsonValueKind.Null)
            .Select(s => (s.Item1, JsonSerializer.Serialize(document.RootElement.GetProperty(s.Item2), Readable)))
            .ToArray();
        if (trace.ThreadId is { } threadId)
        {
            Conversation = await traces.ThreadAsync(ProjectId, threadId, ConversationLimit, cancellationToken);
        }

        ViewData["Title"] = $"{trace.Name} · Traces";
        return Page();
    }

    /// <summary>The key's prefix as listed in Settings, or "revoked key".</summary>
    public string KeyPrefix(Guid keyId) =>
        Project.ApiKeys.FirstOrDefault(k => k.Id == keyId) is { } key ? KeyLabels.MaskedPrefix(key) : "revoked key";
}
