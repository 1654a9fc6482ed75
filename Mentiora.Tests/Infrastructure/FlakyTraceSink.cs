using System.Data.Common;
using Mentiora.Web.Traces;

namespace Mentiora.Tests.Infrastructure;

/// <summary>
/// A database for the trace writer that tests switch off and on: while down it refuses every
/// batch the way an unreachable server does (a transient <see cref="DbException"/>), it refuses a
/// batch that holds a span marked bad the way a server refuses data (not transient), and it keeps
/// every trace it committed, so tests can tell what was stored and how often.
/// </summary>
public sealed class FlakyTraceSink(int concurrentWrites = 2) : ITraceBatchSink
{
    private readonly Lock _lock = new();
    private readonly List<TraceRecord> _stored = [];
    private readonly List<int> _batchSizes = [];
    private readonly HashSet<Guid> _badSpans = [];
    private volatile bool _down;

    /// <summary>How long one attempt takes before it fails while the database is down, the batch already sent (it cannot be given up).</summary>
    public TimeSpan FailureTakes { get; set; } = TimeSpan.Zero;

    /// <summary>While the database is down, connecting hangs (a host that drops packets) until the writer gives up.</summary>
    public bool ConnectHangs { get; set; }

    /// <summary>While set, the first commit waits for it, so that requests queue up behind it.</summary>
    public TaskCompletionSource? Gate { get; set; }

    /// <summary>Whether a batch without traces ever reached the database.</summary>
    public bool SawEmptyBatch { get; private set; }

    public int ConcurrentWrites { get; } = concurrentWrites;

    public void GoDown() => _down = true;

    public void ComeBack() => _down = false;

    /// <summary>The database refuses any batch with this span in it.</summary>
    public void Refuse(Guid spanId)
    {
        lock (_lock)
        {
            _badSpans.Add(spanId);
        }
    }

    /// <summary>How many times the span was committed.</summary>
    public int TimesStored(Guid spanId)
    {
        lock (_lock)
        {
            return _stored.Count(r => r.Event.SpanId == spanId);
        }
    }

    public IReadOnlyList<TraceRecord> Stored()
    {
        lock (_lock)
        {
            return [.. _stored];
        }
    }

    /// <summary>The size of every batch that was tried, committed or not.</summary>
    public IReadOnlyList<int> BatchSizes()
    {
        lock (_lock)
        {
            return [.. _batchSizes];
        }
    }

    public async Task WriteAsync(IReadOnlyList<TraceRecord> batch, CancellationToken giveUp)
    {
        if (Gate is { } gate)
        {
            await gate.Task;
            Gate = null;
        }

        lock (_lock)
        {
            _batchSizes.Add(batch.Count);
            if (batch.Count == 0)
            {
                SawEmptyBatch = true;
            }
        }

        if (_down && ConnectHangs)
        {
            await Task.Delay(Timeout.Infinite, giveUp);
        }

        if (_down)
        {
            await Task.Delay(FailureTakes, CancellationToken.None);
            throw new UnreachableDatabaseException();
        }

        if (batch.Count == 0)
        {
            throw new ArgumentException("An empty batch reached the database.", nameof(batch));
        }

        lock (_lock)
        {
            if (batch.Any(r => _badSpans.Contains(r.Event.SpanId)))
            {
                throw new RefusedDataException();
            }

            _stored.AddRange(batch);
        }
    }

    private sealed class UnreachableDatabaseException() : DbException("Failed to connect to 127.0.0.1:5432: Connection refused")
    {
        public override bool IsTransient => true;
    }

    private sealed class RefusedDataException() : DbException("22P02: invalid input syntax");
}
