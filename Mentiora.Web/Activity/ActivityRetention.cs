namespace Mentiora.Web.Activity;

/// <summary>Deletes activity entries older than a year in the background, a small batch at a time.</summary>
public sealed class ActivityRetention(DatabaseActivityLog log, TimeProvider clock, ILogger<ActivityRetention> logger) : BackgroundService
{
    /// <summary>How long an activity entry is kept.</summary>
    public static readonly TimeSpan KeptFor = TimeSpan.FromDays(365);

    private const int BatchSize = 500;
    private static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    /// <summary>Deletes everything past the retention, batch by batch; returns how many entries went.</summary>
    public async Task<int> DeleteExpired(CancellationToken cancellationToken)
    {
        var cutoff = clock.GetUtcNow() - KeptFor;
        var total = 0;
        int deleted;
        do
        {
            deleted = await log.DeleteOlderThan(cutoff, BatchSize, cancellationToken);
            total += deleted;
        }
        while (deleted == BatchSize && !cancellationToken.IsCancellationRequested);

        return total;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        do
        {
            try
            {
                await DeleteExpired(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The database may be away for a while; the next round tries again.
                logger.LogWarning(e, "Old activity entries could not be deleted; trying again later");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
