namespace Mentiora.Grains.Activity;

/// <summary>The durable, append-only store of activity entries, implemented next to the database.</summary>
public interface IActivityLog
{
    /// <summary>Stores the entries; an entry stored already (same id) is left as it is, so a retry never duplicates.</summary>
    Task Append(IReadOnlyList<ActivityEntry> entries, CancellationToken cancellationToken = default);
}
