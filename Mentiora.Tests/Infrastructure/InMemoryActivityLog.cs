using System.Collections.Concurrent;
using Mentiora.Grains.Activity;

namespace Mentiora.Tests.Infrastructure;

/// <summary>An activity log in memory for grain tests, keyed by entry id like the database table; can refuse appends on demand.</summary>
public sealed class InMemoryActivityLog : IActivityLog
{
    private readonly ConcurrentDictionary<Guid, ActivityEntry> _entries = new();
    private readonly ConcurrentQueue<ActivityEntry> _inOrder = new();

    /// <summary>While true, every append throws, as when the database is away.</summary>
    public bool Unavailable { get; set; }

    public Task Append(IReadOnlyList<ActivityEntry> entries, CancellationToken cancellationToken = default)
    {
        if (Unavailable)
        {
            throw new InvalidOperationException("The activity log is unavailable (test).");
        }

        foreach (var entry in entries)
        {
            if (_entries.TryAdd(entry.Id, entry))
            {
                _inOrder.Enqueue(entry);
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>A project's entries in the order they were appended.</summary>
    public IReadOnlyList<ActivityEntry> Of(Guid projectId) => _inOrder.Where(e => e.ProjectId == projectId).ToArray();
}
