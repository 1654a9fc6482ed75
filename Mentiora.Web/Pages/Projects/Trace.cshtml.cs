using Mentiora.Grains.Projects;
using Mentiora.Web.Traces;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Mentiora.Web.Pages.Projects;

/// <summary>One trace: its spans as a tree with a timeline, and the selected span (the root unless <c>?span=</c> names another) in full.</summary>
public sealed class TraceModel(IGrainFactory grains, TraceSpanReader spans) : PageModel
{
    /// <summary>Most spans drawn: enough for any agent run people read, few enough for one page.</summary>
    public const int SpanLimit = 5000;

    [FromRoute]
    public Guid ProjectId { get; set; }

    [FromRoute]
    public Guid TraceId { get; set; }

    [BindProperty(SupportsGet = true, Name = "span")]
    public Guid? SpanId { get; set; }

    public ProjectSettings Project { get; private set; } = null!;

    public TraceTree Tree { get; private set; } = null!;

    /// <summary>True when the trace has more spans than <see cref="SpanLimit"/>.</summary>
    public bool More { get; private set; }

    public SpanPanelView Selected { get; private set; } = null!;

    public int ErrorCount => Tree.Rows.Count(r => r.Span.HasError);

    public long TotalTokens => Tree.Rows.Sum(r => r.Span.TotalTokens ?? 0);

    /// <summary>The end user of the root, else of the first span that names one.</summary>
    public TraceSpan? EndUserSpan => Tree.Root.EndUserId is not null ? Tree.Root : Tree.Rows.Select(r => r.Span).FirstOrDefault(s => s.EndUserId is not null);

    /// <summary>The conversation the trace belongs to: the root's thread, else the first span's that has one.</summary>
    public Guid? ThreadId => Tree.Root.ThreadId ?? Tree.Rows.Select(r => r.Span.ThreadId).FirstOrDefault(t => t is not null);

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var project = await grains.GetGrain<IProjectDashboardGrain>(ProjectId).GetSettings(User.AccountKey());
        if (project is null)
        {
            return NotFound();
        }

        var (found, more) = await spans.SpansAsync(ProjectId, TraceId, SpanLimit, cancellationToken);
        if (found.Count == 0)
        {
            return NotFound();
        }

        Project = project;
        Tree = TraceTree.Build(found);
        More = more;

        // The tree is read without events; only the selected span's event is read, on its own.
        var selected = await spans.SpanAsync(ProjectId, TraceId, SpanId ?? Tree.Root.SpanId, cancellationToken);
        if (selected is null)
        {
            return NotFound();
        }

        Selected = SpanPanelView.From(selected, KeyPrefix(Project, selected.Span.KeyId));
        ViewData["Title"] = $"{Tree.Root.Name} · Traces";
        return Page();
    }

    /// <summary>The trace page with <paramref name="spanId"/> selected: the link that works without JavaScript.</summary>
    public string SpanPageUrl(Guid spanId) => $"/projects/{ProjectId}/traces/{TraceId}?span={spanId}";

    /// <summary>The selected span panel alone, which htmx swaps in.</summary>
    public string SpanPanelUrl(Guid spanId) => $"/projects/{ProjectId}/traces/{TraceId}/spans/{spanId}";

    /// <summary>The key's prefix as listed in Settings, or "revoked key".</summary>
    public static string KeyPrefix(ProjectSettings project, Guid keyId) =>
        project.ApiKeys.FirstOrDefault(k => k.Id == keyId) is { } key ? KeyLabels.MaskedPrefix(key) : "revoked key";
}
