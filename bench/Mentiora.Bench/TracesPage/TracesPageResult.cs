namespace Mentiora.Bench.TracesPage;

/// <summary>What the traces-page scenario seeded and measured, for summary.md; Bare is bare Kestrel's page of the list's size.</summary>
public sealed record TracesPageResult(SeedResult Seed, TimeSpan Vacuum, IReadOnlyList<PageTiming> Pages, PageTiming? Bare);
