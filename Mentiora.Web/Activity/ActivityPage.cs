using Mentiora.Grains.Activity;

namespace Mentiora.Web.Activity;

/// <summary>One page of activity entries, newest first, and the cursor of the next older page (null on the last).</summary>
public sealed record ActivityPage(IReadOnlyList<ActivityEntry> Entries, long? OlderCursor);
