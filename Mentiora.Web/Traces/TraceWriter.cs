using System.Diagnostics;
using System.Threading.Channels;
using Mentiora.Web.Operations;
using Microsoft.Extensions.Options;

namespace Mentiora.Web.Traces;

/// <summary>
/// Group-commits traces: requests queue their trace and wait; one loop takes whatever has
/// queued up and stores it in one transaction, then answers every waiting request. Under load
/// batches grow by themselves, so each commit's cost is shared by many requests.
/// </summary>
public sealed class TraceWriter : BackgroundService
{
    private readonly Channel<PendingTrace> _queue;
    private readonly ITraceBatchSink _sink;
    private readonly int _maxBatchSize;
    private readonly ILogger<TraceWriter> _logger;
    private readonly MentioraMetrics _metrics;

    public TraceWriter(ITraceBatchSink sink, IOptions<TraceWriterOptions> options, MentioraMetrics metrics, ILogger<TraceWriter> logger)
    {
        _sink = sink;
        _logger = logger;
        _metrics = metrics;
        _maxBatchSize = options.Value.MaxBatchSize;
        _queue = Channel.CreateBounded<PendingTrace>(new BoundedChannelOptions(options.Value.QueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        metrics.QueueDepth = () => _queue.Reader.Count;
    }

    /// <summary>Queues the trace and completes when it is committed, or at once when it cannot be accepted.</summary>
    public Task<TraceWriteOutcome> WriteAsync(TraceRecord trace)
    {
        var pending = new PendingTrace(trace);
        return _queue.Writer.TryWrite(pending) ? pending.Outcome : Task.FromResult(TraceWriteOutcome.QueueFull);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // Refuse new traces, then let the loop drain what was accepted: an accepted trace is
        // always either committed or answered with an error, never dropped.
        _queue.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<PendingTrace>(_maxBatchSize);

        // Not cancelled by stoppingToken on purpose: the loop ends when the queue is completed and empty.
        while (await _queue.Reader.WaitToReadAsync(CancellationToken.None))
        {
            while (batch.Count < _maxBatchSize && _queue.Reader.TryRead(out var pending))
            {
                batch.Add(pending);
            }

            await CommitAsync(batch);
            batch.Clear();
        }
    }

    private async Task CommitAsync(List<PendingTrace> batch)
    {
        try
        {
            var started = Stopwatch.GetTimestamp();
            await _sink.WriteAsync(batch.ConvertAll(p => p.Trace), CancellationToken.None);
            _metrics.BatchWritten(batch.Count, Stopwatch.GetElapsedTime(started));
            batch.ForEach(p => p.Complete(TraceWriteOutcome.Stored));
            return;
        }
        catch (Exception e) when (batch.Count > 1)
        {
            // One row the database rejects must not fail the traces that arrived with it.
            _logger.LogWarning(e, "Writing a batch of {Count} traces failed; writing them one by one", batch.Count);
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
                await _sink.WriteAsync([pending.Trace], CancellationToken.None);
                pending.Complete(TraceWriteOutcome.Stored);
            }
            catch (Exception e)
            {
                LogFailure(e, pending);
                pending.Complete(TraceWriteOutcome.StorageFailed);
            }
        }
    }

    private void LogFailure(Exception e, PendingTrace pending) =>
        _logger.LogError(e, "Storing trace {TraceId} span {SpanId} of project {ProjectId} failed", pending.Trace.Event.TraceId, pending.Trace.Event.SpanId, pending.Trace.ProjectId);

    private sealed class PendingTrace(TraceRecord trace)
    {
        private readonly TaskCompletionSource<TraceWriteOutcome> _outcome = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TraceRecord Trace { get; } = trace;

        public Task<TraceWriteOutcome> Outcome => _outcome.Task;

        public void Complete(TraceWriteOutcome outcome) => _outcome.TrySetResult(outcome);
    }
}
