using System.Globalization;
using Mentiora.Grains.Projects;
using Mentiora.Web.Api;
using Mentiora.Web.Traces;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Mentiora.Web.Pages.Projects;

/// <summary>
/// The project's traces, one row per trace, newest first, a page at a time, with a chart of traces
/// and tokens over the same window; every filter lives in the URL, so a filtered page can be linked.
/// </summary>
public sealed class TracesModel(IGrainFactory grains, TraceReader traces, TimeProvider clock) : PageModel
{
    /// <summary>Rows per page.</summary>
    public const int PageSize = 50;

    /// <summary>The time range shown when none is chosen.</summary>
    public const string DefaultRange = "24h";

    [FromRoute]
    public Guid ProjectId { get; set; }

    [BindProperty(SupportsGet = true, Name = "range")]
    public string? Range { get; set; }

    [BindProperty(SupportsGet = true, Name = "from")]
    public string? From { get; set; }

    [BindProperty(SupportsGet = true, Name = "to")]
    public string? To { get; set; }

    [BindProperty(SupportsGet = true, Name = "type")]
    public string? Type { get; set; }

    [BindProperty(SupportsGet = true, Name = "key")]
    public Guid? KeyId { get; set; }

    [BindProperty(SupportsGet = true, Name = "user")]
    public string? EndUser { get; set; }

    [BindProperty(SupportsGet = true, Name = "name")]
    public string? Name { get; set; }

    [BindProperty(SupportsGet = true, Name = "errors")]
    public bool ErrorsOnly { get; set; }

    /// <summary>Keyset cursor written by this page: show traces older than it.</summary>
    [BindProperty(SupportsGet = true, Name = "before")]
    public string? Before { get; set; }

    public ProjectSettings Project { get; private set; } = null!;

    public IReadOnlyList<TraceSummary> Rows { get; private set; } = [];

    public string? NextBefore { get; private set; }

    public TraceChartView? Chart { get; private set; }

    /// <summary>Why the custom range cannot be used, or null.</summary>
    public string? RangeError { get; private set; }

    /// <summary>True when the project has never received a trace: the page then explains how to send one.</summary>
    public bool NothingYet { get; private set; }

    public DateTimeOffset Now { get; } = clock.GetUtcNow();

    /// <summary>The chosen time range's URL value (unknown values fall back to the default).</summary>
    public string SelectedRange => TraceListMessages.Ranges.Any(r => r.Value == Range) ? Range! : DefaultRange;

    public string? SelectedType => TraceEventParser.Types.Contains(Type ?? string.Empty) ? Type : null;

    public string? SelectedEndUser => string.IsNullOrWhiteSpace(EndUser) ? null : EndUser.Trim();

    public string? SelectedName => string.IsNullOrWhiteSpace(Name) ? null : Name.Trim();

    /// <summary>True when anything differs from the unfiltered default view.</summary>
    public bool IsFiltered => SelectedRange != DefaultRange || SelectedType is not null || KeyId is not null
        || SelectedEndUser is not null || SelectedName is not null || ErrorsOnly;

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
        ViewData["Title"] = $"Traces · {project.Name}";
        var window = Window();
        if (window is not var (from, to))
        {
            return Page();
        }

        var filter = new TraceListFilter(from, to, SelectedType, KeyId, SelectedEndUser, SelectedName, ErrorsOnly);
        var cursor = TraceListCursor.Parse(Before);
        var (rows, more) = await traces.ListTracesAsync(ProjectId, filter, cursor, PageSize, cancellationToken);
        Rows = rows;
        NextBefore = more ? new TraceListCursor(rows[^1].StartTime, rows[^1].TraceId).Format() : null;
        NothingYet = rows.Count == 0 && cursor is null && !await traces.AnyTraceAsync(ProjectId, cancellationToken);
        if (!NothingYet)
        {
            Chart = new TraceChartView(await traces.ChartAsync(ProjectId, filter, cancellationToken));
        }

        return Page();
    }

    /// <summary>The filters in the URL, with <paramref name="before"/> as the cursor; for the pager and the end-user links.</summary>
    public Dictionary<string, string> RouteValues(string? before = null, string? user = null)
    {
        var values = new Dictionary<string, string>();
        void Put(string name, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                values[name] = value;
            }
        }

        Put("range", SelectedRange == DefaultRange ? null : SelectedRange);
        Put("from", SelectedRange == "custom" ? From : null);
        Put("to", SelectedRange == "custom" ? To : null);
        Put("type", SelectedType);
        Put("key", KeyId?.ToString());
        Put("user", user ?? SelectedEndUser);
        Put("name", SelectedName);
        Put("errors", ErrorsOnly ? "true" : null);
        Put("before", before);
        return values;
    }

    /// <summary>The key's prefix as listed in Settings, or "revoked" for a key that is gone.</summary>
    public string KeyPrefix(Guid keyId) =>
        Project.ApiKeys.FirstOrDefault(k => k.Id == keyId) is { } key ? KeyLabels.MaskedPrefix(key) : "revoked key";

    // The start-time window of the chosen range; null (with RangeError set) when a custom range cannot be read.
    private (DateTimeOffset From, DateTimeOffset To)? Window()
    {
        switch (SelectedRange)
        {
            case "1h":
                return (Now.AddHours(-1), Now);
            case "7d":
                return (Now.AddDays(-7), Now);
            case "30d":
                return (Now.AddDays(-30), Now);
            case "custom":
                break;
            default:
                return (Now.AddDays(-1), Now);
        }

        if (string.IsNullOrWhiteSpace(From))
        {
            RangeError = TraceListMessages.FromMissing;
            return null;
        }

        if (ParseTime(From, endOfDay: false) is not { } from)
        {
            RangeError = TraceListMessages.FromUnreadable;
            return null;
        }

        DateTimeOffset to;
        if (string.IsNullOrWhiteSpace(To))
        {
            to = Now;
        }
        else if (ParseTime(To, endOfDay: true) is { } parsed)
        {
            to = parsed;
        }
        else
        {
            RangeError = TraceListMessages.ToUnreadable;
            return null;
        }

        if (from >= to)
        {
            RangeError = TraceListMessages.FromAfterTo;
            return null;
        }

        // The chart has a bar per day: a window of centuries would be a page of millions.
        if (to - from > TimeSpan.FromDays(366))
        {
            RangeError = TraceListMessages.RangeTooLong;
            return null;
        }

        return (from, to);
    }

    // A date alone means its whole day (UTC): as From its start, as To the start of the next day.
    private static DateTimeOffset? ParseTime(string text, bool endOfDay)
    {
        text = text.Trim();
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            var start = new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            return endOfDay && date < DateOnly.MaxValue ? start.AddDays(1) : start;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? time
            : null;
    }
}
