using Mentiora.Web.Traces;

namespace Mentiora.Tests.Web;

/// <summary>How stored spans become the trace page's tree, whatever order and completeness they arrive in.</summary>
public sealed class TraceTreeTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private static TraceSpan Span(string name, Guid id, Guid? parent, int offsetMs, int lengthMs = 10) =>
        new(id, parent, null, name, "llm", Start.AddMilliseconds(offsetMs), null, lengthMs, null, null, Guid.Empty, null, null, null, null, null, false);

    private static IEnumerable<(string Name, int Depth, bool Orphan)> Shape(TraceTree tree) =>
        tree.Rows.Select(r => (r.Span.Name, r.Depth, r.ParentNotReceived));

    [Fact]
    public void ChildrenFollowTheirParentInStartOrderAndAnOrphansChildrenStayUnderIt()
    {
        Guid root = Guid.NewGuid(), a = Guid.NewGuid(), b = Guid.NewGuid(), orphan = Guid.NewGuid(), orphanChild = Guid.NewGuid();
        var tree = TraceTree.Build(
        [
            Span("b", b, root, 20),
            Span("orphan child", orphanChild, orphan, 5),
            Span("orphan", orphan, Guid.NewGuid(), 30),
            Span("root", root, null, 0, 100),
            Span("a", a, root, 10),
        ]);

        Assert.Equal([("root", 0, false), ("a", 1, false), ("b", 1, false), ("orphan", 1, true), ("orphan child", 2, false)], Shape(tree));
        Assert.True(tree.RootReceived);
        Assert.Equal(100, tree.LengthMs);
        Assert.Equal(30, tree.Rows.Single(r => r.Span.Name == "orphan").OffsetMs);
    }

    [Fact]
    public void WithoutARootTheEarliestSpanStandsInAndIsMarkedAsMissingItsParent()
    {
        Guid missing = Guid.NewGuid(), first = Guid.NewGuid(), second = Guid.NewGuid();
        var tree = TraceTree.Build([Span("second", second, missing, 50), Span("first", first, missing, 0)]);

        Assert.False(tree.RootReceived);
        Assert.Equal([("first", 0, true), ("second", 1, true)], Shape(tree));
    }

    [Fact]
    public void SpansWhoseParentsFormALoopAreStillShownOnceEach()
    {
        Guid root = Guid.NewGuid(), x = Guid.NewGuid(), y = Guid.NewGuid(), self = Guid.NewGuid();
        var tree = TraceTree.Build([Span("root", root, null, 0), Span("x", x, y, 1), Span("y", y, x, 2), Span("self", self, self, 3)]);

        Assert.Equal(["root", "self", "x", "y"], tree.Rows.Select(r => r.Span.Name));
        Assert.Equal(4, tree.Rows.Select(r => r.Span.SpanId).Distinct().Count());
    }

    [Fact]
    public void AChainThousandsDeepIsBuiltWithoutRecursion()
    {
        var spans = new List<TraceSpan> { Span("s0", Guid.NewGuid(), null, 0) };
        for (var i = 1; i < 20_000; i++)
        {
            spans.Add(Span($"s{i}", Guid.NewGuid(), spans[^1].SpanId, i));
        }

        var tree = TraceTree.Build(spans);

        Assert.Equal(19_999, tree.Rows[^1].Depth);
    }
}
