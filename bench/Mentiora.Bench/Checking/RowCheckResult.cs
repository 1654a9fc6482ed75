namespace Mentiora.Bench.Checking;

/// <summary>One run's row check: whether it passed, its text for runs.tsv, and the trace writer's numbers.</summary>
public sealed record RowCheckResult(bool Ok, string Text, string Writer)
{
    public override string ToString() => $"{Text} {Writer}";
}
