using Mentiora.Grains.Projects;
using Mentiora.Grains.Usage;

namespace Mentiora.Web.Usage;

/// <summary>
/// Sums, on this silo, the traces each key had accepted and the refusals each key met, and reports
/// them to the project grains about once a second with one call per project. A grain call per
/// request would double the cost of the hot path; a request is known to be accepted only after its
/// 202, long after the key check, so the count cannot ride on that call either. A crash loses at most
/// the last second here, and the grain's flush (at most a minute) bounds what storage can lose.
/// </summary>
public sealed partial class KeyUsageRecorder(IGrainFactory grains, TimeProvider clock, ILogger<KeyUsageRecorder> logger) : BackgroundService
{
    private static readonly TimeSpan ReportInterval = TimeSpan.FromSeconds(1);

    // A flood of refused requests must not grow memory between two reports; beyond this the rest of the second is only in /metrics.
    private const int MaxRefusalsPerReport = 5_000;

    private readonly Lock _gate = new();
    private Dictionary<(Guid ProjectId, Guid KeyId, DateOnly Day), PendingAccepted> _accepted = [];
    private List<(Guid ProjectId, RefusalNotice Notice)> _refusals = [];
    private int _refusalCount;

    /// <summary>Counts traces a key had stored (a batch of N counts N) and where the request came from.</summary>
    public void Accepted(Guid projectId, Guid keyId, int count, RequestFacts facts)
    {
        var now = clock.GetUtcNow();
        var slot = (projectId, keyId, DateOnly.FromDateTime(now.UtcDateTime));
        lock (_gate)
        {
            if (!_accepted.TryGetValue(slot, out var pending))
            {
                pending = new PendingAccepted();
                _accepted[slot] = pending;
            }

            pending.Count += count;
            pending.LastAt = now;
            pending.LastFacts = facts;
        }
    }

    /// <summary>Counts a refusal for the key of <paramref name="projectId"/> the request named by its prefix or publishable key.</summary>
    public void Refused(Guid projectId, string keyReference, KeyRefusalReason reason, HttpContext request)
    {
        // A flood of refusals (a client looping on a 400) is benchmarked: once this second's list is full, it costs a read and nothing else.
        if (Volatile.Read(ref _refusalCount) >= MaxRefusalsPerReport)
        {
            return;
        }

        var notice = new RefusalNotice(keyReference, new KeyRefusal(clock.GetUtcNow(), reason, request.Facts()));
        lock (_gate)
        {
            if (_refusals.Count < MaxRefusalsPerReport)
            {
                _refusals.Add((projectId, notice));
                _refusalCount = _refusals.Count;
            }
        }
    }

    /// <summary>Reports everything counted so far to the project grains.</summary>
    public async Task ReportAsync()
    {
        Dictionary<(Guid ProjectId, Guid KeyId, DateOnly Day), PendingAccepted> accepted;
        List<(Guid ProjectId, RefusalNotice Notice)> refusals;
        lock (_gate)
        {
            if (_accepted.Count == 0 && _refusals.Count == 0)
            {
                return;
            }

            (accepted, _accepted) = (_accepted, []);
            (refusals, _refusals) = (_refusals, []);
            _refusalCount = 0;
        }

        var reports = accepted
            .Select(a => (a.Key.ProjectId, Accepted: (AcceptedTraces?)new AcceptedTraces(a.Key.KeyId, a.Key.Day, a.Value.Count, a.Value.LastAt, a.Value.LastFacts!), Refusal: (RefusalNotice?)null))
            .Concat(refusals.Select(r => (r.ProjectId, Accepted: (AcceptedTraces?)null, Refusal: (RefusalNotice?)r.Notice)))
            .GroupBy(r => r.ProjectId)
            .Select(async project =>
            {
                var report = new UsageReport(
                    project.Where(r => r.Accepted is not null).Select(r => r.Accepted!).ToArray(),
                    project.Where(r => r.Refusal is not null).Select(r => r.Refusal!).ToArray());
                try
                {
                    await grains.GetGrain<IProjectApiGrain>(project.Key).RecordUsage(report);
                }
                catch (Exception e)
                {
                    // Usage figures are a help, not a record: losing a second of them beats holding memory for a silo that is away.
                    LogReportFailed(logger, e, project.Key, report.Accepted.Count, report.Refusals.Count);
                }
            });
        await Task.WhenAll(reports);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(ReportInterval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await ReportAsync();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        // The last second's counts go out before the silo stops.
        await ReportAsync();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not report key usage to project {ProjectId} ({Accepted} accepted, {Refusals} refusals); those counts are lost")]
    private static partial void LogReportFailed(ILogger logger, Exception exception, Guid projectId, int accepted, int refusals);

    private sealed class PendingAccepted
    {
        public long Count { get; set; }

        public DateTimeOffset LastAt { get; set; }

        public RequestFacts? LastFacts { get; set; }
    }
}
