using Mentiora.Bench.Faults;
using Mentiora.Bench.Options;

namespace Mentiora.Bench.Report;

/// <summary>Everything summary.md is written from.</summary>
public sealed record SummaryInput(
    BenchOptions Options,
    DateTime FinishedAt,
    IReadOnlyList<string> Machine,
    int BusyPercent,
    RunsTable Runs,
    IReadOnlyList<(string Scenario, string Note)> Notes,
    IReadOnlyList<FaultLine> Faults,
    IReadOnlyList<string> Failures,
    TracesPage.TracesPageResult? TracesPage = null);
