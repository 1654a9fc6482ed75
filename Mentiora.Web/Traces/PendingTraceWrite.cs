namespace Mentiora.Web.Traces;

/// <summary>
/// One request's traces on their way to the database, and the answer its request waits for.
/// Exactly one party answers it: a write loop that took it, or the deadline while it still waits
/// in the queue. The state changes only by compare-and-swap, so the two can never both answer, and
/// a request a loop is committing is never told "not stored".
/// </summary>
internal sealed class PendingTraceWrite(IReadOnlyList<TraceRecord> traces, long estimatedBytes, long deadline)
{
    private const int Waiting = 0;
    private const int Taken = 1;
    private const int Answered = 2;

    private readonly TaskCompletionSource<TraceWriteOutcome> _outcome = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _state = Waiting;

    /// <summary>The traces; read only by the loop that took them.</summary>
    public IReadOnlyList<TraceRecord> Traces { get; private set; } = traces;

    /// <summary>How many traces the request counts for against the queue's capacity (kept when the traces are let go).</summary>
    public int Count { get; } = traces.Count;

    /// <summary>What the traces are estimated to cost in memory, counted against the queue's byte bound.</summary>
    public long EstimatedBytes { get; } = estimatedBytes;

    /// <summary>When the request stops waiting for storage (a <see cref="TimeProvider"/> timestamp).</summary>
    public long Deadline { get; } = deadline;

    public Task<TraceWriteOutcome> Outcome => _outcome.Task;

    /// <summary>Still in the queue, not yet taken by a loop nor expired.</summary>
    public bool IsWaiting => Volatile.Read(ref _state) == Waiting;

    /// <summary>A write loop takes it; false when it expired first.</summary>
    public bool TryTake() => Interlocked.CompareExchange(ref _state, Taken, Waiting) == Waiting;

    /// <summary>The deadline claims it while it waits; false when a loop took it first. The caller then answers it.</summary>
    public bool TryExpire()
    {
        if (Interlocked.CompareExchange(ref _state, Answered, Waiting) != Waiting)
        {
            return false;
        }

        // It stays in the channel until a loop skips it; only its small shell should.
        Traces = [];
        return true;
    }

    /// <summary>The loop that took it claims the answer; false when it was answered already. The caller then answers it.</summary>
    public bool TryFinish() => Interlocked.CompareExchange(ref _state, Answered, Taken) == Taken;

    /// <summary>Completes the request; only after <see cref="TryExpire"/> or <see cref="TryFinish"/> succeeded.</summary>
    public void Answer(TraceWriteOutcome outcome) => _outcome.TrySetResult(outcome);
}
