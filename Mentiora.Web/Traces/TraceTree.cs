namespace Mentiora.Web.Traces;

/// <summary>
/// The spans of one trace as a tree, flattened in reading order (each span followed by its
/// children, earliest first), with the trace's start and length for the timeline's common scale.
/// </summary>
public sealed class TraceTree
{
    private TraceTree(IReadOnlyList<TraceTreeRow> rows, bool rootReceived, DateTimeOffset start, double lengthMs)
    {
        Rows = rows;
        RootReceived = rootReceived;
        Start = start;
        LengthMs = lengthMs;
    }

    /// <summary>Every span, the root first, each followed by its descendants.</summary>
    public IReadOnlyList<TraceTreeRow> Rows { get; }

    /// <summary>The root: the span sent without a parent, else the earliest span.</summary>
    public TraceSpan Root => Rows[0].Span;

    /// <summary>False when no span came without a parent: the earliest span then stands in as the root.</summary>
    public bool RootReceived { get; }

    /// <summary>The earliest start of the trace's spans.</summary>
    public DateTimeOffset Start { get; }

    /// <summary>From the earliest start to the latest end, in milliseconds.</summary>
    public double LengthMs { get; }

    /// <summary>Builds the tree of at least one span.</summary>
    public static TraceTree Build(IReadOnlyList<TraceSpan> spans)
    {
        ArgumentOutOfRangeException.ThrowIfZero(spans.Count);
        var ordered = spans.OrderBy(s => s.StartTime).ThenBy(s => s.SpanId).ToArray();
        var byId = new Dictionary<Guid, TraceSpan>();
        foreach (var span in ordered)
        {
            byId.TryAdd(span.SpanId, span);
        }

        var root = ordered.FirstOrDefault(s => s.ParentSpanId is null);
        var rootReceived = root is not null;
        root ??= ordered[0];

        // Children by parent, each list already in start order. A span whose parent is missing (or
        // itself) is not anyone's child here: it hangs under the root, marked.
        var children = new Dictionary<Guid, List<TraceSpan>>();
        foreach (var span in ordered)
        {
            if (span != root && span.ParentSpanId is { } parent && parent != span.SpanId && byId.ContainsKey(parent))
            {
                (children.TryGetValue(parent, out var list) ? list : children[parent] = []).Add(span);
            }
        }

        var start = ordered[0].StartTime;
        var end = ordered.Max(s => s.End);
        var rows = new List<TraceTreeRow>(ordered.Length);
        var placed = new HashSet<Guid>();
        var rootIsOrphan = root.ParentSpanId is { } rootParent && !byId.ContainsKey(rootParent);
        Walk(root, 0, rootIsOrphan);

        // Under the root, in start order: spans sent without a parent besides the root, spans whose
        // parent never arrived, and spans only reachable through a loop of parents.
        // Those with a parent among the spans come with that parent; only loops are left for the second pass.
        foreach (var span in ordered)
        {
            var parentMissing = span.ParentSpanId is { } parent && !byId.ContainsKey(parent);
            if (!placed.Contains(span.SpanId) && (parentMissing || span.ParentSpanId is null || span.ParentSpanId == span.SpanId))
            {
                Walk(span, 1, parentMissing);
            }
        }

        foreach (var span in ordered)
        {
            if (!placed.Contains(span.SpanId))
            {
                Walk(span, 1, false);
            }
        }

        return new TraceTree(rows, rootReceived, start, Math.Max(0, (end - start).TotalMilliseconds));

        // Depth-first with an explicit stack, so a trace nested thousands deep cannot overflow the thread's stack.
        void Walk(TraceSpan top, int depth, bool parentNotReceived)
        {
            var stack = new Stack<(TraceSpan Span, int Depth, bool Orphan)>();
            stack.Push((top, depth, parentNotReceived));
            while (stack.TryPop(out var next))
            {
                if (!placed.Add(next.Span.SpanId))
                {
                    continue;
                }

                rows.Add(new TraceTreeRow(next.Span, next.Depth, (next.Span.StartTime - start).TotalMilliseconds, next.Orphan));
                if (children.TryGetValue(next.Span.SpanId, out var kids))
                {
                    for (var i = kids.Count - 1; i >= 0; i--)
                    {
                        stack.Push((kids[i], next.Depth + 1, false));
                    }
                }
            }
        }
    }
}
