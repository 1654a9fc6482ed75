using Mentiora.Grains.Projects;
using Mentiora.Web.Api;
using Mentiora.Web.Traces;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Mentiora.Web.Pages.Projects;

/// <summary>The project's traces, newest first, a page at a time, filtered by type, key and end user.</summary>
public sealed class TracesModel(IGrainFactory grains, TraceReader traces, TimeProvider clock) : PageModel
{
    /// <summary>Rows per page.</summary>
    public const int PageSize = 50;

    [FromRoute]
    public Guid ProjectId { get; set; }

    [BindProperty(SupportsGet = true, Name = "type")]
    public string? Type { get; set; }

    [BindProperty(SupportsGet = true, Name = "key")]
    public Guid? KeyId { get; set; }

    [BindProperty(SupportsGet = true, Name = "user")]
    public string? EndUser { get; set; }

    /// <summary>Keyset cursor: show traces older than this row id.</summary>
    [BindProperty(SupportsGet = true, Name = "before")]
    public long? Before { get; set; }

    public ProjectSettings Project { get; private set; } = null!;

    public IReadOnlyList<TraceRow> Rows { get; private set; } = [];

    public long? NextBefore { get; private set; }

    public DateTimeOffset Now { get; } = clock.GetUtcNow();

    public TraceFilter Filter => new(
        TraceEventParser.Types.Contains(Type ?? string.Empty) ? Type : null,
        KeyId,
        string.IsNullOrWhiteSpace(EndUser) ? null : EndUser.Trim());

    /// <summary>True when the project has never received a trace: the page then explains how to send one.</summary>
    public bool NothingYet => Rows.Count == 0 && Filter.IsEmpty && Before is null;

    /// <summary>This server's address, for the MENTIORA_BASE_URL line.</summary>
    public string BaseUrl => $"{Request.Scheme}://{Request.Host}";

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var project = await grains.GetGrain<IProjectDashboardGrain>(ProjectId).GetSettings(User.AccountKey());
        if (project is null)
        {
            return NotFound();
        }

        Project = project;
        var (rows, more) = await traces.ListAsync(ProjectId, Filter, Before, PageSize, cancellationToken);
        Rows = rows;
        NextBefore = more ? rows[^1].Id : null;
        ViewData["Title"] = $"Traces · {project.Name}";
        return Page();
    }

    /// <summary>The key's prefix as listed in Settings, or "revoked" for a key that is gone.</summary>
    public string KeyPrefix(Guid keyId) =>
        Project.ApiKeys.FirstOrDefault(k => k.Id == keyId) is { } key ? KeyLabels.MaskedPrefix(key) : "revoked key";
}
