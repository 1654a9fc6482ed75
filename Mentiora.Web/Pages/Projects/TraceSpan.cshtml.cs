using Mentiora.Grains.Projects;
using Mentiora.Web.Traces;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Mentiora.Web.Pages.Projects;

/// <summary>
/// One span of a trace: with htmx the selected span panel alone, swapped into the trace page;
/// without, a redirect to the trace page with the span selected.
/// </summary>
public sealed class TraceSpanModel(IGrainFactory grains, TraceSpanReader spans) : PageModel
{
    [FromRoute]
    public Guid ProjectId { get; set; }

    [FromRoute]
    public Guid TraceId { get; set; }

    [FromRoute]
    public Guid SpanId { get; set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var project = await grains.GetGrain<IProjectDashboardGrain>(ProjectId).GetSettings(User.AccountKey());
        var span = project is null ? null : await spans.SpanAsync(ProjectId, TraceId, SpanId, cancellationToken);
        if (span is null)
        {
            return NotFound();
        }

        var pageUrl = $"/projects/{ProjectId}/traces/{TraceId}?span={SpanId}";
        if (!Request.IsHtmx())
        {
            return Redirect(pageUrl);
        }

        // The address of the whole page with this span selected, so reload, back and a shared link show it.
        Response.Headers["HX-Push-Url"] = pageUrl;
        return Partial("_SpanPanel", SpanPanelView.From(span, TraceModel.KeyPrefix(project!, span.Span.KeyId)));
    }
}
