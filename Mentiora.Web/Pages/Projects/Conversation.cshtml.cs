using Mentiora.Grains.Projects;
using Mentiora.Web.Traces;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Mentiora.Web.Pages.Projects;

/// <summary>A conversation: the traces sent with one thread id, one turn each, in order, with what was asked and answered.</summary>
public sealed class ConversationModel(IGrainFactory grains, TraceSpanReader spans) : PageModel
{
    /// <summary>Most spans read for one conversation (their events hold the text).</summary>
    public const int SpanLimit = 2000;

    [FromRoute]
    public Guid ProjectId { get; set; }

    [FromRoute]
    public Guid ThreadId { get; set; }

    public IReadOnlyList<ConversationTurn> Turns { get; private set; } = [];

    public bool More { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var project = await grains.GetGrain<IProjectDashboardGrain>(ProjectId).GetSettings(User.AccountKey());
        if (project is null)
        {
            return NotFound();
        }

        var (found, more) = await spans.ConversationAsync(ProjectId, ThreadId, SpanLimit, cancellationToken);
        if (found.Count == 0)
        {
            return NotFound();
        }

        Turns = ConversationTurn.From(found);
        More = more;
        ViewData["Title"] = $"Conversation · {project.Name}";
        return Page();
    }

    /// <summary>The trace page of a turn, with the span its text came from selected.</summary>
    public string TraceUrl(Guid traceId, Guid? spanId = null) =>
        spanId is { } span ? $"/projects/{ProjectId}/traces/{traceId}?span={span}" : $"/projects/{ProjectId}/traces/{traceId}";
}
