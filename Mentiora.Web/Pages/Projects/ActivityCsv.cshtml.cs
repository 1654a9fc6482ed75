using Mentiora.Grains.Projects;
using Mentiora.Web.Activity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Mentiora.Web.Pages.Projects;

/// <summary>The project's whole activity log as a CSV download, for its members only.</summary>
public sealed class ActivityCsvModel(IGrainFactory grains, DatabaseActivityLog activityLog) : PageModel
{
    // Read in pages of this size, so a year of entries never sits in memory at once.
    private const int ReadBatch = 500;

    [FromRoute]
    public Guid ProjectId { get; set; }

    public async Task<IActionResult> OnGetAsync()
    {
        if (await grains.GetGrain<IProjectDashboardGrain>(ProjectId).GetSettings(User.AccountKey()) is null)
        {
            return NotFound();
        }

        Response.ContentType = "text/csv; charset=utf-8";
        Response.Headers.ContentDisposition = $"attachment; filename=\"activity-{ProjectId}.csv\"";
        var cancellationToken = HttpContext.RequestAborted;
        await using var writer = new StreamWriter(Response.Body, new System.Text.UTF8Encoding(false));
        await writer.WriteAsync(ActivityCsv.HeaderLine);
        long? cursor = null;
        do
        {
            var page = await activityLog.ReadPage(ProjectId, cursor, ReadBatch, cancellationToken);
            foreach (var entry in page.Entries)
            {
                await writer.WriteAsync(ActivityCsv.Line(entry));
            }

            cursor = page.OlderCursor;
        }
        while (cursor is not null);

        await writer.FlushAsync(cancellationToken);
        return new EmptyResult();
    }
}
