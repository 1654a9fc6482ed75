using System.Diagnostics;
using System.Threading.Channels;
using Mentiora.Web.Operations;
using Microsoft.Extensions.Options;

namespace Mentiora.Web.Traces;

/// <summary>
/// Group-commits traces: requests queue their traces and wait; a write loop takes whatever has
/// queued up and stores it in one transaction, then answers every waiting request. Under load
/// batches grow by themselves, so each commit's cost is shared by many requests. Several loops
/// (as many as the database takes at once, <see cref="ITraceBatchSink.ConcurrentWrites"/>) keep
/// commits overlapping: while one waits for its flush, the next batch is already on its way.
/// </summary>
public sealed class TraceWriter : BackgroundService
{
    private readonly Channel<PendingWrite> _queue = Channel.CreateUnbounded<PendingWrite>(new UnboundedChannelOptions { SingleReader = false });
    private readonly ITraceBatchSink _sink;
    private readonly int _maxBatchSize;
    private readonly int _capacity;
    private readonly int _concurrentWrites;
    private readonly ILogger<TraceWriter> _logger;
    private readonly MentioraMetrics _metrics;

    // Traces accepted but not yet taken by the loop; bounded by the capacity (counted in traces, not requests, so batch requests count fully).
    private int _queued;

    public TraceWriter(ITraceBatchSink sink, IOptions<TraceWriterOptions> options, MentioraMetrics metrics, ILogger<TraceWriter> logger)
    {
        _sink = sink;
        _logger = logger;
        _metrics = metrics;
        _maxBatchSize = options.Value.MaxBatchSize;
        _capacity = options.Value.QueueCapacity;
        _concurrentWrites = options.Value.ConcurrentWrites ?? sink.ConcurrentWrites;
        metrics.QueueDepth = () => Volatile.Read(ref _queued);
    }

    /// <summary>Queues traces that are stored together or not at all, and completes when they are committed.</summary>
    public Task<TraceWriteOutcome> WriteAsync(IReadOnlyList<TraceRecord> traces)
    {
        if (Interlocked.Add(ref _queued, traces.Count) > _capacity)
        {
            Interlocked.Add(ref _queued, -traces.Count);
            return Task.FromResult(TraceWriteOutcome.QueueFull);
        }

        var pending = new PendingWrite(traces);
        if (!_queue.Writer.TryWrite(pending))
        {
            // The writer is stopping.
            Interlocked.Add(ref _queued, -traces.Count);
            return Task.FromResult(TraceWriteOutcome.QueueFull);
        }

        return pending.Outcome;
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // Refuse new traces, then let the loop drain what was accepted: an accepted trace is
        // always either committed or answered with an error, never dropped.
        _queue.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var loops = new Task[Math.Max(1, _concurrentWrites)];
        for (var i = 0; i < loops.Length; i++)
        {
            loops[i] = Task.Run(WriteLoopAsync, CancellationToken.None);
        }

        return Task.WhenAll(loops);
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<PendingWrite>();
        var records = new List<TraceRecord>(_maxBatchSize);

        // Not cancelled by stoppingToken on purpose: the loop ends when the queue is completed and empty.
        while (await _queue.Reader.WaitToReadAsync(CancellationToken.None))
        {
            while (records.Count < _maxBatchSize && _queue.Reader.TryRead(out var pending))
            {
                batch.Add(pending);
                records.AddRange(pending.Traces);
            }

            Interlocked.Add(ref _queued, -records.Count);
            await CommitAsync(batch, records);
            batch.Clear();
            records.Clear();
        }
    }

    private async Task CommitAsync(List<PendingWrite> batch, List<TraceRecord> records)
    {
        try
        {
            var started = Stopwatch.GetTimestamp();
            await _sink.WriteAsync(records, CancellationToken.None);
            _metrics.BatchWritten(records.Count, Stopwatch.GetElapsedTime(started));
            batch.ForEach(p => p.Complete(TraceWriteOutcome.Stored));
            return;
        }
        catch (Exception e) when (batch.Count > 1)
        {
            // One request the database rejects must not fail the requests that arrived with it.
            _logger.LogWarning(e, "Writing a batch of {Count} traces failed; writing its {Requests} requests one by one", records.Count, batch.Count);
        }
        catch (Exception e)
        {
            LogFailure(e, batch[0]);
            batch[0].Complete(TraceWriteOutcome.StorageFailed);
            return;
        }

        foreach (var pending in batch)
        {
            try
            {
                await _sink.WriteAsync(pending.Traces, CancellationToken.None);
                pending.Complete(TraceWriteOutcome.Stored);
            }
            catch (Exception e)
            {
                LogFailure(e, pending);
                pending.Complete(TraceWriteOutcome.StorageFailed);
            }
        }
    }

    private void LogFailure(Exception e, PendingWrite pending) =>
        _logger.LogError(e, "Storing {Count} trace(s) of project {ProjectId}, first trace {TraceId} span {SpanId}, failed",
            pending.Traces.Count, pending.Traces[0].ProjectId, pending.Traces[0].Event.TraceId, pending.Traces[0].Event.SpanId);

    private sealed class PendingWrite(IReadOnlyList<TraceRecord> traces)
    {
        private readonly TaskCompletionSource<TraceWriteOutcome> _outcome = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public IReadOnlyList<TraceRecord> Traces { get; } = traces;

        public Task<TraceWriteOutcome> Outcome => _outcome.Task;

        public void Complete(TraceWriteOutcome outcome) => _outcome.TrySetResult(outcome);
    }
}
