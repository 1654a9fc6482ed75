using System.Collections.Concurrent;
using System.Threading.Channels;
using Mentiora.Web.Configuration;
using Mentiora.Web.Operations;
using Microsoft.Extensions.Options;

namespace Mentiora.Web.Traces;

/// <summary>
/// Group-commits traces: requests queue their traces and wait; a write loop takes whatever has
/// queued up and stores it in one transaction, then answers every waiting request. Under load
/// batches grow by themselves, so each commit's cost is shared by many requests. Several loops
/// (as many as the database takes at once, <see cref="ITraceBatchSink.ConcurrentWrites"/>) keep
/// commits overlapping: while one waits for its flush, the next batch is already on its way.
/// While the database is briefly unreachable, a loop holds its batch and retries it, so requests
/// wait (up to <see cref="TraceWriterOptions.RideThroughSeconds"/>) instead of failing.
/// </summary>
public sealed partial class TraceWriter : BackgroundService
{
    // The UTF-16 JSON (2 bytes a character), the UTF-8 body its request still holds (about 1), and
    // the record, the parsed fields and the request's own objects.
    private const int BytesPerJsonCharacter = 3;
    private const int BytesPerRecord = 512;

    // How often requests still queued are checked against their deadline: the lateness of a 503.
    private static readonly TimeSpan ExpiryInterval = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan RefusalReportInterval = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan ShortestConnectWait = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan LongestRetryDelay = TimeSpan.FromSeconds(1);

    private readonly Channel<PendingTraceWrite> _queue = Channel.CreateUnbounded<PendingTraceWrite>(new UnboundedChannelOptions { SingleReader = false });

    // The same requests in arrival order, which is deadline order (every request waits equally
    // long): the expiry sweep only ever looks at the oldest ones.
    private readonly ConcurrentQueue<PendingTraceWrite> _byArrival = new();
    private readonly ITraceBatchSink _sink;
    private readonly TimeProvider _clock;
    private readonly int _maxBatchSize;
    private readonly int _capacity;
    private readonly long _capacityBytes;
    private readonly TimeSpan _rideThrough;
    private readonly int _concurrentWrites;
    private readonly ILogger<TraceWriter> _logger;
    private readonly MentioraMetrics _metrics;

    // Traces accepted and not yet answered (queued or being committed), and their estimated bytes: what the bounds limit.
    private int _accepted;
    private long _acceptedBytes;

    // Traces in the queue, not yet taken by a loop nor expired.
    private int _queued;

    // Traces in batches that loops are retrying.
    private int _held;

    // The outage as the operator sees it: from the first commit that failed for want of the
    // database until the first one that succeeds (0: none). The lock is taken only while it lasts.
    private readonly Lock _outageLock = new();
    private long _outageStartedAt;
    private int _outageRefused;

    // Traces answered 503 at their deadline and not yet reported; reported at most every few seconds.
    private int _refusedUnreported;

    public TraceWriter(ITraceBatchSink sink, IOptions<TraceWriterOptions> options, MentioraMetrics metrics, ILogger<TraceWriter> logger, TimeProvider clock)
    {
        _sink = sink;
        _logger = logger;
        _metrics = metrics;
        _clock = clock;
        _maxBatchSize = options.Value.MaxBatchSize;
        _capacity = options.Value.QueueCapacity;
        _capacityBytes = options.Value.QueueBytes;
        // Zero would expire every request that waits for a loop at all, not only those an outage holds.
        if (!(options.Value.RideThroughSeconds is > 0 and < 3600))
        {
            throw new InvalidSettingException($"{SettingKeys.TraceRideThroughSeconds} must be a number of seconds above 0 and below 3600 (below the SDKs' 30 s timeout to be useful); it is {options.Value.RideThroughSeconds}.");
        }

        if (options.Value.QueueBytes <= 0)
        {
            throw new InvalidSettingException($"{SettingKeys.TraceQueueBytes} must be a positive number of bytes; it is {options.Value.QueueBytes}.");
        }

        _rideThrough = TimeSpan.FromSeconds(options.Value.RideThroughSeconds);
        _concurrentWrites = options.Value.ConcurrentWrites ?? sink.ConcurrentWrites;
        metrics.QueueDepth = () => Volatile.Read(ref _queued);
        metrics.HeldTraces = () => Volatile.Read(ref _held);
    }

    /// <summary>Queues traces that are stored together or not at all, and completes when they are committed or their wait is over.</summary>
    public Task<TraceWriteOutcome> WriteAsync(IReadOnlyList<TraceRecord> traces)
    {
        if (traces.Count == 0)
        {
            return Task.FromResult(TraceWriteOutcome.Stored);
        }

        var bytes = EstimateBytes(traces);
        var overCapacity = Interlocked.Add(ref _accepted, traces.Count) > _capacity;
        var overBytes = Interlocked.Add(ref _acceptedBytes, bytes) > _capacityBytes;
        if (overCapacity || overBytes)
        {
            Interlocked.Add(ref _accepted, -traces.Count);
            Interlocked.Add(ref _acceptedBytes, -bytes);
            return Task.FromResult(TraceWriteOutcome.QueueFull);
        }

        var pending = new PendingTraceWrite(traces, bytes, _clock.GetTimestamp() + (long)(_rideThrough.TotalSeconds * _clock.TimestampFrequency));
        Interlocked.Add(ref _queued, traces.Count);
        if (!_queue.Writer.TryWrite(pending))
        {
            // The writer is stopping.
            Interlocked.Add(ref _queued, -traces.Count);
            Interlocked.Add(ref _accepted, -traces.Count);
            Interlocked.Add(ref _acceptedBytes, -bytes);
            return Task.FromResult(TraceWriteOutcome.QueueFull);
        }

        _byArrival.Enqueue(pending);
        return pending.Outcome;
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // Refuse new traces, then let the loops drain what was accepted: an accepted trace is
        // always either committed or answered with an error, never dropped. A held batch keeps
        // retrying until its requests' deadlines.
        _queue.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Not stoppingToken: requests still queued while the loops drain must expire on time too.
        using var loopsDone = new CancellationTokenSource();
        var expiry = Task.Run(() => ExpireOverdueAsync(loopsDone.Token), CancellationToken.None);
        var loops = new Task[Math.Max(1, _concurrentWrites)];
        for (var i = 0; i < loops.Length; i++)
        {
            loops[i] = Task.Run(WriteLoopAsync, CancellationToken.None);
        }

        await Task.WhenAll(loops);
        await loopsDone.CancelAsync();
        await expiry;
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<PendingTraceWrite>();

        // Not cancelled by stoppingToken on purpose: the loop ends when the queue is completed and empty.
        while (await _queue.Reader.WaitToReadAsync(CancellationToken.None))
        {
            try
            {
                var taken = 0;
                while (taken < _maxBatchSize && _queue.Reader.TryRead(out var pending))
                {
                    // One that expired while it waited was answered already.
                    if (pending.TryTake())
                    {
                        batch.Add(pending);
                        taken += pending.Count;
                    }
                }

                Interlocked.Add(ref _queued, -taken);

                // Several loops wake for one request; those that found nothing have nothing to commit.
                if (batch.Count > 0)
                {
                    await CommitAsync(batch);
                }
            }
            catch (Exception e)
            {
                // A defect in the loop must not stop the host, nor leave a request waiting forever.
                _logger.LogCritical(e, "The trace writer failed unexpectedly; the {Requests} request(s) it was writing are answered 503", batch.Count);
                batch.ForEach(p => Finish(p, TraceWriteOutcome.StorageFailed));
            }
            finally
            {
                batch.Clear();
            }
        }
    }

    // Commits the requests together. While the database is unreachable the batch is retried, and a
    // request whose deadline passes is answered 503 and left out of the next try. A write the
    // database refuses is split, so that only the request it refuses fails.
    // Not Polly: its retry strategy retries one fixed callback, while here every try first drops
    // the requests whose deadline passed and the pause must end at the next deadline.
    private async Task CommitAsync(List<PendingTraceWrite> batch)
    {
        var holding = false;
        Exception? lastError = null;
        for (var attempt = 0; ; attempt++)
        {
            var records = Records(batch);
            using var giveUp = new CancellationTokenSource(UntilGivingUp(batch), _clock);
            try
            {
                var started = _clock.GetTimestamp();
                await _sink.WriteAsync(records, giveUp.Token);
                _metrics.BatchWritten(records.Count, _clock.GetElapsedTime(started));
                if (holding)
                {
                    Interlocked.Add(ref _held, -records.Count);
                }

                if (Volatile.Read(ref _outageStartedAt) != 0)
                {
                    EndOutage();
                }

                batch.ForEach(p => Finish(p, TraceWriteOutcome.Stored));
                return;
            }
            // Given up (whether the driver says so plainly or wrapped): nothing was stored, as for a refused connection.
            catch (Exception e) when (TransientStorageErrors.IsTransient(e) || giveUp.IsCancellationRequested)
            {
                lastError = giveUp.IsCancellationRequested ? new TimeoutException("The database did not take a connection before the batch's first deadline", e) : e;
                if (!holding)
                {
                    Interlocked.Add(ref _held, records.Count);
                    holding = true;
                    BeginOutage(lastError);
                }
            }
            catch (Exception e)
            {
                if (holding)
                {
                    // The database answers again; what it refuses now is the data.
                    Interlocked.Add(ref _held, -records.Count);
                }

                if (batch.Count == 1)
                {
                    LogFailure(e, batch[0]);
                    Finish(batch[0], TraceWriteOutcome.StorageFailed);
                    return;
                }

                // One request the database rejects must not fail the requests that arrived with it.
                _logger.LogWarning(e, "Writing a batch of {Count} traces failed; writing its {Requests} requests one by one", records.Count, batch.Count);
                foreach (var pending in batch)
                {
                    await CommitAsync([pending]);
                }

                return;
            }

            var delay = RetryDelay(attempt, batch);
            LogRetry(_logger, records.Count, delay.TotalMilliseconds, Describe(lastError!));
            await Task.Delay(delay, _clock);
            var refused = DropOverdue(batch);
            if (refused > 0)
            {
                Interlocked.Add(ref _held, -refused);
                Interlocked.Add(ref _refusedUnreported, refused);
            }

            if (batch.Count == 0)
            {
                return;
            }
        }
    }

    // A connect that hangs (a database host that drops packets rather than refuses) is given up at
    // the batch's first deadline, so that its 503 is not late; at least a second, so that a request
    // a loop took late is not refused by a database that would have answered at once.
    private TimeSpan UntilGivingUp(List<PendingTraceWrite> batch)
    {
        var untilDeadline = _clock.GetElapsedTime(_clock.GetTimestamp(), EarliestDeadline(batch));
        return untilDeadline > ShortestConnectWait ? untilDeadline : ShortestConnectWait;
    }

    // Doubling with jitter, so that the loops of several silos do not knock in step, and never past
    // the batch's next deadline, so that its 503 is not late.
    private TimeSpan RetryDelay(int attempt, List<PendingTraceWrite> batch)
    {
        var backoff = Math.Min(FirstRetryDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt, 16)), LongestRetryDelay.TotalMilliseconds);
        var delay = TimeSpan.FromMilliseconds(backoff * (0.5 + Random.Shared.NextDouble() * 0.5));
        var untilDeadline = _clock.GetElapsedTime(_clock.GetTimestamp(), EarliestDeadline(batch));
        return untilDeadline < delay ? (untilDeadline > TimeSpan.Zero ? untilDeadline : TimeSpan.Zero) : delay;
    }

    private static long EarliestDeadline(List<PendingTraceWrite> batch)
    {
        var earliest = long.MaxValue;
        foreach (var pending in batch)
        {
            earliest = Math.Min(earliest, pending.Deadline);
        }

        return earliest;
    }

    private int DropOverdue(List<PendingTraceWrite> batch)
    {
        var now = _clock.GetTimestamp();
        var refused = 0;
        batch.RemoveAll(p =>
        {
            if (p.Deadline > now)
            {
                return false;
            }

            refused += p.Count;
            Finish(p, TraceWriteOutcome.StorageFailed);
            return true;
        });
        return refused;
    }

    // Answers requests still in the queue when their deadline passes, while every loop is busy
    // holding a batch; a loop that takes one later skips it.
    private async Task ExpireOverdueAsync(CancellationToken loopsDone)
    {
        using var timer = new PeriodicTimer(ExpiryInterval, _clock);
        var reportedAt = 0L;

        // The oldest request not yet due, taken out rather than peeked at: once peeked at, a
        // ConcurrentQueue segment frees none of its slots on dequeue nor is reused, so every request
        // would stay referenced until its whole segment is dropped.
        PendingTraceWrite? oldest = null;
        try
        {
            while (await timer.WaitForNextTickAsync(loopsDone))
            {
                var now = _clock.GetTimestamp();
                var expired = 0;

                while (oldest is not null || _byArrival.TryDequeue(out oldest))
                {
                    if (oldest.IsWaiting && oldest.Deadline > now)
                    {
                        // Every one behind it arrived later: nothing more is due.
                        break;
                    }

                    if (oldest.TryExpire())
                    {
                        Interlocked.Add(ref _queued, -oldest.Count);
                        Release(oldest);
                        oldest.Answer(TraceWriteOutcome.StorageFailed);
                        expired += oldest.Count;
                    }

                    oldest = null;
                }

                if (expired > 0)
                {
                    Interlocked.Add(ref _refusedUnreported, expired);
                }

                // At most one line every few seconds, however long it lasts.
                if (Volatile.Read(ref _refusedUnreported) > 0 && _clock.GetElapsedTime(reportedAt) >= RefusalReportInterval)
                {
                    ReportRefused();
                    reportedAt = _clock.GetTimestamp();
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The loops are done: nothing is queued any more.
        }
    }

    private void Finish(PendingTraceWrite pending, TraceWriteOutcome outcome)
    {
        if (pending.TryFinish())
        {
            Release(pending);
            pending.Answer(outcome);
        }
    }

    private void Release(PendingTraceWrite pending)
    {
        Interlocked.Add(ref _accepted, -pending.Count);
        Interlocked.Add(ref _acceptedBytes, -pending.EstimatedBytes);
    }

    // One warning when the outage begins, not one per retry nor one per loop.
    private void BeginOutage(Exception error)
    {
        lock (_outageLock)
        {
            if (_outageStartedAt != 0)
            {
                return;
            }

            _outageStartedAt = _clock.GetTimestamp();
            _outageRefused = 0;
        }

        _logger.LogWarning("Storage is unreachable; holding {Count} traces for up to {Seconds} s ({Error})",
            Volatile.Read(ref _accepted), _rideThrough.TotalSeconds, Describe(error));
    }

    // One line when a commit succeeds again; every trace still waiting then (this batch's
    // included, answered right after) is on its way to the database that came back.
    private void EndOutage()
    {
        TimeSpan lasted;
        int refused;
        lock (_outageLock)
        {
            if (_outageStartedAt == 0)
            {
                return;
            }

            lasted = _clock.GetElapsedTime(_outageStartedAt);
            refused = _outageRefused + Interlocked.Exchange(ref _refusedUnreported, 0);
            _outageStartedAt = 0;
        }

        _logger.LogInformation("Storage is reachable again after {Seconds:0.0} s; committing the {Count} waiting traces ({Refused} waited longer than {RideThrough} s and were answered 503)",
            lasted.TotalSeconds, Volatile.Read(ref _accepted), refused, _rideThrough.TotalSeconds);
    }

    // The kind and message of the error and of its cause: "NpgsqlException: Failed to connect to … (SocketException: Connection refused)".
    private static string Describe(Exception error) => error.InnerException is { } cause
        ? $"{error.GetType().Name}: {error.Message} ({cause.GetType().Name}: {cause.Message})"
        : $"{error.GetType().Name}: {error.Message}";

    private void ReportRefused()
    {
        TimeSpan? outage = null;
        int refused;
        lock (_outageLock)
        {
            refused = Interlocked.Exchange(ref _refusedUnreported, 0);
            if (_outageStartedAt != 0)
            {
                outage = _clock.GetElapsedTime(_outageStartedAt);
                _outageRefused += refused;
            }
        }

        if (refused == 0)
        {
            return;
        }

        if (outage is { } lasted)
        {
            _logger.LogWarning("Storage is still unreachable after {Seconds:0.0} s; answered 503 to {Count} trace(s) that waited {RideThrough} s, nothing of them was stored",
                lasted.TotalSeconds, refused, _rideThrough.TotalSeconds);
        }
        else
        {
            _logger.LogWarning("Storage did not take {Count} trace(s) within {RideThrough} s; answered them 503, nothing of them was stored", refused, _rideThrough.TotalSeconds);
        }
    }

    private static List<TraceRecord> Records(List<PendingTraceWrite> batch)
    {
        var records = new List<TraceRecord>(batch.Count == 1 ? batch[0].Count : batch.Sum(p => p.Count));
        batch.ForEach(p => records.AddRange(p.Traces));
        return records;
    }

    private static long EstimateBytes(IReadOnlyList<TraceRecord> traces)
    {
        long bytes = 0;
        for (var i = 0; i < traces.Count; i++)
        {
            bytes += (long)traces[i].Event.Json.Length * BytesPerJsonCharacter + BytesPerRecord;
        }

        return bytes;
    }

    // Debug only: an outage retries many times a second across the loops; the operator's lines are the outage's first and last.
    [LoggerMessage(Level = LogLevel.Debug, Message = "Committing {Count} traces failed for want of the database; trying again in {DelayMs:0} ms ({Error})")]
    private static partial void LogRetry(ILogger logger, int count, double delayMs, string error);

    private void LogFailure(Exception e, PendingTraceWrite pending) =>
        _logger.LogError(e, "Storing {Count} trace(s) of project {ProjectId}, first trace {TraceId} span {SpanId}, failed",
            pending.Count, pending.Traces[0].ProjectId, pending.Traces[0].Event.TraceId, pending.Traces[0].Event.SpanId);
}
