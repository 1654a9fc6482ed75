using System.Globalization;
using System.Text;
using Mentiora.Bench.Faults;

namespace Mentiora.Bench.Report;

/// <summary>summary.md: the comparison table, the auth breakdown, the row checks and the CPU split, laid out as people compare them.</summary>
public static class Summary
{
    private static readonly (string Scenario, string Title)[] Scenarios =
    [
        ("auth", "auth path, 400 without storage"),
        ("postgres", "PostgreSQL, single event"),
        ("batch100", "PostgreSQL, batch of 100"),
        ("batch1000", "PostgreSQL, batch of 1,000"),
        ("sqlite", "SQLite, single event"),
        ("cluster", "2 silos + nginx, PostgreSQL, single event"),
    ];

    private static readonly (string Variant, string Answer)[] BreakdownVariants =
    [
        ("bare", "202, bare Kestrel"),
        ("no-key", "401, no grain call"),
        ("malformed-key", "401, no grain call"),
        ("unknown-key", "401 after the prefix grain call"),
        ("valid-key", "400 after both grain calls, parsing, validation"),
    ];

    // A run where processes outside the benchmark used more than a quarter of a core is flagged.
    private const double DisturbedOtherPercent = 25;

    public static string Write(SummaryInput input)
    {
        var runs = input.Runs;
        var text = new StringBuilder();
        void Line(string line = "") => text.Append(line).Append('\n');

        Line($"# Ingestion benchmark, {input.FinishedAt:yyyy-MM-dd HH:mm} UTC");
        Line();
        Line($"Command: `{input.Options.CommandLine}`");
        Line();
        foreach (var machine in input.Machine)
        {
            Line(machine);
        }

        Line($"- machine busy before the run: {input.BusyPercent}%");
        WriteComparison(input, Line);
        WriteFaults(input.Faults, Line);
        WriteTracesPage(input.TracesPage, Line);
        WriteChecksAndCpu(runs, Line);

        if (input.Failures.Count > 0)
        {
            Line();
            Line("## FAILED");
            Line();
            foreach (var failure in input.Failures)
            {
                Line($"- {failure}");
            }
        }

        return text.ToString();
    }

    // The comparison with bare Kestrel, the auth breakdown: only when a scenario ran wrk (not for faults alone).
    private static void WriteComparison(SummaryInput input, Action<string> write)
    {
        void Line(string line = "") => write(line);

        var runs = input.Runs;
        if (runs.Rows.Count == 0 && input.Notes.Count == 0)
        {
            return;
        }

        Line("");
        Line($"Medians of {input.Options.Runs} alternating runs (ingestion, bare, ingestion, bare, ...). Ratio = ingestion / bare.");
        Line();
        Line("| scenario | metric | ingestion | bare Kestrel | ratio | target | met |");
        Line("|---|---|---:|---:|---:|---|---|");
        foreach (var (scenario, title) in Scenarios)
        {
            if (!runs.Has(scenario))
            {
                continue;
            }

            var unit = runs.Rows.First(r => r.Scenario == scenario && r.Kind == "wrk").Unit;
            var ingestion = runs.Median(scenario, "ingestion", "wrk", r => r.Throughput);
            var bare = runs.Median(scenario, "bare", "wrk", r => r.Throughput);
            var ratio = Numbers.Ratio(ingestion, bare);
            var ratioValue = ratio == "-" ? (double?)null : Numbers.Parse(ratio);
            var (target, met) = scenario switch
            {
                "auth" => ("ratio ≥ 0.75", Numbers.Meets(ratioValue, true, 0.75)),
                "postgres" => ("ratio ≥ 0.35", Numbers.Meets(ratioValue, true, 0.35)),
                "batch1000" => ("≥ 100,000 events/s", Numbers.Meets(ingestion, true, 100_000)),
                _ => ("", ""),
            };
            Line($"| {title} | max throughput ({unit}) | {Numbers.Thousands(ingestion)} | {Numbers.Thousands(bare)} | {ratio} | {target} | {met} |");
            foreach (var (name, column) in Percentiles)
            {
                var a = runs.Median(scenario, "ingestion", "wrk", column);
                var b = runs.Median(scenario, "bare", "wrk", column);
                Line($"| {title} | {name} at max throughput (ms) | {Numbers.Milliseconds(a)} | {Numbers.Milliseconds(b)} | {Numbers.Ratio(a, b)} | | |");
            }

            if (runs.Has(scenario, "ingestion", "rate"))
            {
                var rate = runs.Median(scenario, "ingestion", "rate", r => r.Throughput);
                foreach (var (name, column) in Percentiles)
                {
                    var a = runs.Median(scenario, "ingestion", "rate", column);
                    var b = runs.Median(scenario, "bare", "rate", column);
                    var (rateTarget, rateMet) = name == "p99" ? ("≤ 10 ms", Numbers.Meets(a / 1000, false, 10)) : ("", "");
                    Line($"| {title} | {name} at {Numbers.Thousands(rate)} req/s, fixed rate (ms) | {Numbers.Milliseconds(a)} | {Numbers.Milliseconds(b)} | " +
                        $"{Numbers.Ratio(a, b)} | {rateTarget} | {rateMet} |");
                }
            }
        }

        foreach (var (scenario, note) in input.Notes)
        {
            Line($"| {Scenarios.First(s => s.Scenario == scenario).Title} | {note} | | | | | |");
        }

        if (runs.Has("auth-breakdown"))
        {
            Line();
            Line("Where the auth path's time goes (the auth scenario's invalid body, medians; ratio to bare Kestrel; the");
            Line("app's limit on failed authentications per address was lifted for this, or it would answer 429):");
            Line();
            Line("| request | answer | req/s | ratio | p50 (ms) | p99 (ms) |");
            Line("|---|---|---:|---:|---:|---:|");
            var bare = runs.Median("auth-breakdown", "bare", "wrk", r => r.Throughput);
            foreach (var (variant, answer) in BreakdownVariants)
            {
                var rate = runs.Median("auth-breakdown", variant, "wrk", r => r.Throughput);
                Line($"| {variant} | {answer} | {Numbers.Thousands(rate)} | {Numbers.Ratio(rate, bare)} | " +
                    $"{Numbers.Milliseconds(runs.Median("auth-breakdown", variant, "wrk", r => Numbers.Parse(r.P50Us)))} | " +
                    $"{Numbers.Milliseconds(runs.Median("auth-breakdown", variant, "wrk", r => Numbers.Parse(r.P99Us)))} |");
            }
        }

    }

    private static void WriteChecksAndCpu(RunsTable runs, Action<string> write)
    {
        void Line(string line = "") => write(line);

        if (runs.Rows.Count == 0)
        {
            return;
        }

        Line("");
        Line("Rows in `traces` against 202 answers, per ingestion run (rows = traces the app answered 202 for; the");
        Line("client saw all of them except requests wrk abandoned in flight when its time was up):");
        Line();
        Line("| scenario | run | kind | check | trace writer |");
        Line("|---|---|---|---|---|");
        foreach (var row in runs.Rows.Where(r => r.Side == "ingestion"))
        {
            var split = row.Check.IndexOf(" commits=", StringComparison.Ordinal);
            var (check, writer) = split < 0 ? (row.Check, "") : (row.Check[..split], row.Check[(split + 1)..]);
            Line($"| {row.Scenario} | {row.Run} | {row.Kind} | {check} | {writer} |");
        }

        Line();
        Line($"CPU per component during the runs (% of one core, median over the runs; the machine has {Environment.ProcessorCount} cores;");
        Line("\"app\" is Mentiora (both silos in the cluster), \"other\" is everything not named):");
        Line();
        Line("| scenario | side | kind | CPU |");
        Line("|---|---|---|---|");
        foreach (var group in runs.Rows.GroupBy(r => (r.Scenario, r.Side, r.Kind)))
        {
            var parts = group.SelectMany(r => CpuParts(r.Cpu)).GroupBy(p => p.Name)
                .Select(p => $"{p.Key} {Numbers.Whole(Numbers.Median(p.Select(v => v.Value)) ?? 0)}");
            Line($"| {group.Key.Scenario} | {group.Key.Side} | {group.Key.Kind} | {string.Join(", ", parts)} |");
        }

        var disturbed = runs.Rows.Count(r => CpuParts(r.Cpu).Any(p => p.Name == "other" && p.Value > DisturbedOtherPercent));
        if (disturbed > 0)
        {
            Line();
            Line($"**Warning:** in {disturbed} of {runs.Rows.Count} runs, processes other than the benchmark's used more than a");
            Line("quarter of a core (\"other\" above): they competed for the same cores, so those runs understate both sides.");
        }
    }

    private static void WriteFaults(IReadOnlyList<FaultLine> faults, Action<string> line)
    {
        if (faults.Count == 0)
        {
            return;
        }

        line("");
        line("Faults on two silos behind nginx under steady load (8 clients), each client retrying exactly like the SDKs");
        line("(random 0–1 s, 2 s, 4 s, then the trace is dropped; 30 s per attempt). Latency is client-visible, retries");
        line("included, for requests sent from the fault's start until only 202s came again:");
        line("");
        line("| fault | failed at the client | traces | retried | p99 (s) | max (s) | 202-only again after (s) | rows | what was done |");
        line("|---|---:|---:|---:|---:|---:|---:|---|---|");
        foreach (var f in faults)
        {
            var resumed = f.ResumedAfterSeconds is { } r ? r.ToString("0.0", CultureInfo.InvariantCulture) : "never";
            line(string.Create(CultureInfo.InvariantCulture,
                $"| {f.Fault} | {f.Failed} | {f.Traces} | {f.Retried} | {f.P99Seconds:0.00} | {f.MaxSeconds:0.00} | {resumed} | {f.Stored} | {f.Description} |"));
        }
    }

    private static void WriteTracesPage(TracesPage.TracesPageResult? result, Action<string> line)
    {
        if (result is null)
        {
            return;
        }

        var seed = result.Seed;
        line("");
        line(string.Create(CultureInfo.InvariantCulture,
            $"Traces pages with {seed.Spans:#,0} spans stored ({seed.Traces:#,0} traces, {seed.ProjectTraces:#,0} of them the measured project's), " +
            $"seeded with binary COPY in {seed.Took.TotalSeconds:0.0} s ({seed.Spans / seed.Took.TotalSeconds:#,0} spans/s), VACUUM (ANALYZE) {result.Vacuum.TotalSeconds:0.0} s. " +
            $"Sequential requests, one at a time after a warm-up; p95 target {TracesPage.TracesPageScenario.TargetP95Ms:0} ms:"));
        line("");
        line("| page | path | answer | bytes | requests | p50 (ms) | p95 (ms) | p99 (ms) | p95 < 100 ms | p95 / bare |");
        line("|---|---|---|---:|---:|---:|---:|---:|---|---:|");
        foreach (var page in result.Pages.Append(result.Bare).OfType<TracesPage.PageTiming>())
        {
            var met = page == result.Bare ? "" : Numbers.Meets(page.P95Ms, false, TracesPage.TracesPageScenario.TargetP95Ms - 0.001);
            var ratio = page == result.Bare ? "" : Numbers.Ratio(page.P95Ms, result.Bare?.P95Ms);
            line(string.Create(CultureInfo.InvariantCulture,
                $"| {page.Page} | `{page.Path}` | {page.Status?.ToString(CultureInfo.InvariantCulture) ?? "mixed"} | {page.Bytes:#,0} | {page.Requests} | " +
                $"{Ms(page.P50Ms)} | {Ms(page.P95Ms)} | {Ms(page.P99Ms)} | {met} | {ratio} |"));
        }

        static string Ms(double? value) => value is { } v ? v.ToString("0.0", CultureInfo.InvariantCulture) : "-";
    }

    private static readonly (string Name, Func<RunRow, double> Column)[] Percentiles =
    [
        ("p50", r => Numbers.Parse(r.P50Us)),
        ("p99", r => Numbers.Parse(r.P99Us)),
    ];

    private static IEnumerable<(string Name, double Value)> CpuParts(string cpu) =>
        cpu.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=', 2)).Where(p => p.Length == 2)
            .Select(p => (p[0], Numbers.Parse(p[1])));
}
