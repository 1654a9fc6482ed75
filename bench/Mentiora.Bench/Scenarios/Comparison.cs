using Mentiora.Bench.Checking;
using Mentiora.Bench.Measuring;
using Mentiora.Bench.Options;
using Mentiora.Bench.Output;
using Mentiora.Bench.Report;
using Mentiora.Bench.Targets;

namespace Mentiora.Bench.Scenarios;

/// <summary>
/// Runs a scenario's sides in alternation, ingestion then bare (A B A B ...), checks the rows after
/// every ingestion run and records each run in runs.tsv.
/// </summary>
public sealed class Comparison(BenchOptions options, Wrk wrk, LoadGen loadGen, RunsTable runs, BareKestrel bare, List<string> failures)
{
    private const string UnknownKey = "benchUnknownKey0000000000000000000000000000";

    /// <summary>
    /// wrk runs of one scenario against the target and bare Kestrel. <paramref name="expected"/> is the
    /// status the ingestion side must answer (202, or 400 for the auth path, which must store nothing).
    /// </summary>
    public async Task WrkAsync(string scenario, Target target, string script, int connections, int events, int expected)
    {
        var check = new RowCheck(target.Rows, target.MetricsUrls);
        var groups = Groups(target);
        Progress.Say($"{scenario}: warming up both sides ({options.WarmupSeconds}s each)");
        await wrk.RunAsync($"{scenario}.warmup.ingestion", target.Url, script, connections, options.WarmupSeconds, target.Key, groups);
        await wrk.RunAsync($"{scenario}.warmup.bare", bare.Url, script, connections, options.WarmupSeconds, target.Key, groups);
        for (var run = 1; run <= options.Runs; run++)
        {
            foreach (var side in Sides)
            {
                var label = $"{scenario}.{run}.{side}";
                var ingestion = side == "ingestion";
                var before = ingestion ? await check.BeforeAsync() : default;
                var (result, cpu) = await wrk.RunAsync(label, ingestion ? target.Url : bare.Url, script, connections, options.DurationSeconds, target.Key, groups);
                var seconds = result.Number("duration_us") / 1e6;
                var answers = $"202:{result.Text("s202")} 400:{result.Text("s400")} 401:{result.Text("s401")} 503:{result.Text("s503")} other:{result.Text("sother")}";
                // The side's own success: 202 for bare always; for the ingestion the expected status.
                var want = ingestion ? expected : 202;
                var accepted = result.Whole($"s{want}");
                var unexpected = result.Whole("completed") - accepted;
                if (unexpected > 0)
                {
                    Progress.Say($"{label}: {unexpected} answers other than {want} ({answers})");
                    if (result.Whole("s401") != 0)
                    {
                        throw new BenchFailedException($"{label}: the API key was refused (401); the results would mean nothing");
                    }
                }

                var unit = events > 1 ? "events/s" : "req/s";
                var throughput = accepted * events / seconds;
                var checkText = "-";
                if (ingestion)
                {
                    var unanswered = (result.Whole("sent") - result.Whole("completed")) * events;
                    var rows = expected == 202
                        ? await check.AfterAsync(label, accepted * events, unanswered, before)
                        : await check.AfterAsync(label, 0, 0, before);
                    Note(label, rows);
                    checkText = rows.ToString();
                }

                runs.Add(new RunRow(scenario, side, run, "wrk", throughput, unit, result.Text("p50_us"), result.Text("p99_us"), answers, checkText, cpu.ToString()));
                Progress.Say($"{label}: {Numbers.Whole(throughput)} {unit}, p50 {Numbers.Milliseconds(result.Number("p50_us"))} ms, " +
                    $"p99 {Numbers.Milliseconds(result.Number("p99_us"))} ms; cpu {cpu}; {checkText}");
            }
        }
    }

    /// <summary>Fixed-rate latency of one scenario at half the ingestion's median maximum, both sides at that rate.</summary>
    public async Task RateAsync(string scenario, Target target)
    {
        var max = runs.Median(scenario, "ingestion", "wrk", r => r.Throughput) ?? 0;
        var rate = (long)(max / 2);
        if (rate < 1)
        {
            Progress.Say($"{scenario}: no throughput measured; skipping the fixed-rate runs");
            return;
        }

        var check = new RowCheck(target.Rows, target.MetricsUrls);
        var groups = Groups(target);
        Progress.Say($"{scenario}: fixed rate {rate} req/s (half of the median maximum {Numbers.Whole(max)}), {options.RateDurationSeconds}s + 2s warm-up per run");
        for (var run = 1; run <= options.Runs; run++)
        {
            foreach (var side in Sides)
            {
                var label = $"{scenario}.rate.{run}.{side}";
                var ingestion = side == "ingestion";
                var before = ingestion ? await check.BeforeAsync() : default;
                var (result, cpu) = await loadGen.RunAsync(label, ingestion ? target.Url : bare.Url, rate, target.Key, groups);
                var accepted = result.Whole("s202");
                var checkText = "-";
                if (ingestion)
                {
                    // LoadGen waits for every answer, so here the rows must equal its 202s exactly (failed requests aside).
                    var rows = await check.AfterAsync(label, accepted, result.Whole("failed"), before);
                    Note(label, rows);
                    checkText = rows.ToString();
                }

                var lag = result.Number("lag_p99_us");
                runs.Add(new RunRow(scenario, side, run, "rate", rate, "req/s", result.Text("p50_us"), result.Text("p99_us"),
                    $"202:{accepted} 503:{result.Text("s503")} other:{result.Text("sother")} failed:{result.Text("failed")} send_lag_p99_us:{result.Text("lag_p99_us")}",
                    checkText, cpu.ToString()));
                Progress.Say($"{label}: at {rate} req/s p50 {Numbers.Milliseconds(result.Number("p50_us"))} ms, p99 {Numbers.Milliseconds(result.Number("p99_us"))} ms " +
                    $"(generator send lag p99 {Numbers.Milliseconds(lag)} ms); cpu {cpu}; {checkText}");
            }
        }
    }

    /// <summary>
    /// Where the auth path's time goes: the auth scenario's invalid body with no key (401 from the
    /// handler, no grain call), a malformed key (401, no grain call), a well-formed unknown key (401
    /// after the prefix directory's grain call) and the real key (400 after both grain calls, JSON
    /// parsing and validation), against bare Kestrel with the same bytes.
    /// </summary>
    public async Task AuthBreakdownAsync(Target target)
    {
        var groups = Groups(target);
        Progress.Say($"auth-breakdown: warming up ({options.WarmupSeconds}s)");
        await wrk.RunAsync("auth-breakdown.warmup", target.Url, "invalid.lua", options.Connections, options.WarmupSeconds, target.Key, groups);
        (string Variant, string Key)[] variants =
            [("bare", target.Key), ("no-key", ""), ("malformed-key", "not-a-key"), ("unknown-key", UnknownKey), ("valid-key", target.Key)];
        for (var run = 1; run <= options.Runs; run++)
        {
            foreach (var (variant, key) in variants)
            {
                var label = $"auth-breakdown.{run}.{variant}";
                var url = variant == "bare" ? bare.Url : target.Url;
                var (result, cpu) = await wrk.RunAsync(label, url, "invalid.lua", options.Connections, options.DurationSeconds, key, groups);
                var answers = $"202:{result.Text("s202")} 400:{result.Text("s400")} 401:{result.Text("s401")} other:{result.Text("sother")}";
                var rate = result.Number("completed") / (result.Number("duration_us") / 1e6);
                runs.Add(new RunRow("auth-breakdown", variant, run, "wrk", rate, "req/s", result.Text("p50_us"), result.Text("p99_us"), answers, "-", cpu.ToString()));
                Progress.Say($"{label}: {Numbers.Whole(rate)} req/s ({answers}); cpu {cpu}");
            }
        }
    }

    private static readonly string[] Sides = ["ingestion", "bare"];

    private CpuGroup[] Groups(Target target) => [new CpuGroup("app", target.SiloProcessIds), new CpuGroup("bare", [bare.ProcessId])];

    private void Note(string label, RowCheckResult rows)
    {
        if (!rows.Ok)
        {
            failures.Add($"{label}: {rows.Text}");
        }
    }
}
