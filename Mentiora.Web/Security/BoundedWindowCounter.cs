namespace Mentiora.Web.Security;

/// <summary>
/// Fixed-window attempt counts per partition (an address, an account) that never track more than a set number of
/// partitions: memory stays bounded however many distinct addresses or emails a flood brings.
/// </summary>
/// <remarks>
/// Partitions are kept in the order their window started. Expired ones are dropped as new attempts arrive; at capacity the
/// oldest window is forgotten early, which only gives that partition a fresh budget: under a flood of distinct partitions
/// the limit gets weaker for the oldest, but nobody is refused who should not be, and memory cannot grow.
/// </remarks>
public sealed class BoundedWindowCounter<TKey>(int permits, TimeSpan window, int capacity, TimeProvider clock)
    where TKey : notnull
{
    private readonly Dictionary<TKey, LinkedListNode<Partition>> _partitions = [];
    private readonly LinkedList<Partition> _byWindowStart = new();
    private readonly Lock _lock = new();

    /// <summary>Attempts each partition may make per window.</summary>
    public int Permits { get; } = Math.Max(1, permits);

    /// <summary>Most partitions tracked at once.</summary>
    public int Capacity { get; } = Math.Max(1, capacity);

    /// <summary>Partitions tracked now (for tests of the bound).</summary>
    public int TrackedPartitions
    {
        get
        {
            lock (_lock)
            {
                return _partitions.Count;
            }
        }
    }

    /// <summary>Takes one attempt from the partition's budget; false when the budget of its current window is spent.</summary>
    public bool TryTake(TKey key)
    {
        var now = clock.GetUtcNow();
        lock (_lock)
        {
            DropExpired(now);
            if (_partitions.TryGetValue(key, out var node))
            {
                if (node.Value.Count >= Permits)
                {
                    return false;
                }

                node.Value.Count++;
                return true;
            }

            if (_partitions.Count >= Capacity)
            {
                Forget(_byWindowStart.First!);
            }

            _partitions[key] = _byWindowStart.AddLast(new Partition(key, now));
            return true;
        }
    }

    private void DropExpired(DateTimeOffset now)
    {
        while (_byWindowStart.First is { } oldest && now - oldest.Value.WindowStart >= window)
        {
            Forget(oldest);
        }
    }

    private void Forget(LinkedListNode<Partition> node)
    {
        _partitions.Remove(node.Value.Key);
        _byWindowStart.Remove(node);
    }

    private sealed class Partition(TKey key, DateTimeOffset windowStart)
    {
        public TKey Key { get; } = key;

        public DateTimeOffset WindowStart { get; } = windowStart;

        public int Count { get; set; } = 1;
    }
}
