namespace Mentiora.Web.Traces;

/// <summary>What one retention sweep did: counts only, never any trace content.</summary>
/// <param name="Ran">False when another silo was sweeping (PostgreSQL) and this one left it to it.</param>
/// <param name="Projects">Projects with traces that were looked at.</param>
/// <param name="Traces">Traces removed (their summaries).</param>
/// <param name="Spans">Spans removed with them.</param>
/// <param name="PartitionsCreated">Daily partitions made ahead (PostgreSQL).</param>
/// <param name="PartitionsDropped">Daily partitions dropped because every project's retention had passed them (PostgreSQL).</param>
public sealed record TraceSweepResult(bool Ran, int Projects, long Traces, long Spans, int PartitionsCreated, int PartitionsDropped)
{
    /// <summary>The answer of a sweep left to another silo.</summary>
    public static TraceSweepResult Skipped { get; } = new(false, 0, 0, 0, 0, 0);
}
