// The ingestion benchmark: POST /api/v1/traces of Mentiora against a bare Kestrel app that answers
// the same request with 202 and does nothing else, on the same machine, in one run. Ratios
// (ingestion / bare) are the result; absolute numbers are context for this machine only.
// bench/run.sh hands its arguments to this program; the usage below is what --help prints.

using Mentiora.Bench.CommitCost;
using Mentiora.Bench.Measuring;
using Mentiora.Bench.Options;
using Mentiora.Bench.Output;
using Mentiora.Bench.Scenarios;

const string Usage = """
    bench/run.sh [--only LIST] [--duration 10s] [--runs 3] [--connections 32] [--threads 2]
                 [--batch-connections 8] [--rate-duration 5s] [--warmup 5s] [--results DIR]
                 [--spans 10000000] [--page-requests 200]
    bench/run.sh commit-cost [--seconds 8]
    Scenarios (--only takes a comma-separated list; all by default):
      auth      a body that passes authentication and fails validation (400): the auth path, no storage
      postgres  one SDK event per request, PostgreSQL mode (durable: synchronous_commit and fsync on)
      batch     100 and 1,000 events per request, PostgreSQL mode
      sqlite    one SDK event per request, embedded SQLite mode
      cluster   one SDK event per request to two silos behind nginx (started by Mentiora.Harness)
    and, only when named, auth-breakdown: the auth scenario's body with no key, a malformed key, an
    unknown key and the real key, to see where the auth path's time goes; and faults: a silo killed,
    PostgreSQL stopped for 10 s, a write burst of 3x capacity, a rolling restart, each on a fresh
    two-silo cluster behind nginx under steady load from clients retrying like the SDKs (failures at
    the client, p99 and maximum latency during the fault); and traces-page: a single silo on PostgreSQL
    with --spans spans seeded by binary COPY (traces of 1-30 spans over 30 days, five projects), then
    the Traces list (unfiltered, 7 days + errors only, a name prefix) and the trace page (a typical and
    the largest trace) timed with --page-requests sequential requests each: p50/p95/p99, p95 < 100 ms.
    Each scenario alternates wrk runs, ingestion then bare (A B A B ...), --runs times each, and
    for single events then measures latency at a fixed rate of half the ingestion's median maximum
    with bench/LoadGen (open loop, latency from each request's due time). After every ingestion run
    the rows added to the `traces` table must match the 202 answers; a mismatch fails the run.
    Needs the .NET SDK 10, wrk, the PostgreSQL server binaries, and for the cluster nginx; as root on
    Debian or Ubuntu the missing ones are installed with apt-get.
    Results (summary.md, runs.tsv, logs) go to bench/results/<UTC time>/ unless --results is given.
    commit-cost measures what one trace-writer commit costs PostgreSQL by itself (pgbench, one client,
    --seconds per line).
    """;

// The sqlite scenario runs the app in embedded mode, which a connection string in this
// environment would silently turn into PostgreSQL mode; each target is given its storage explicitly.
Environment.SetEnvironmentVariable("ConnectionStrings__Postgres", null);

// It reads /proc and runs PostgreSQL as the postgres system user: a Linux program.
if (!OperatingSystem.IsLinux())
{
    Console.Error.WriteLine("bench: the benchmark runs on Linux only");
    return 1;
}

try
{
    var files = BenchFiles.Locate();
    if (args is ["commit-cost", .. var rest])
    {
        return await CommitCostMeasure.RunAsync(files, CommitCostSeconds(rest));
    }

    var options = OptionsParser.Parse(args);
    return await new BenchmarkRun(options, files).RunAsync();
}
catch (HelpRequestedException)
{
    Console.WriteLine(Usage);
    return 0;
}
catch (UsageException e)
{
    Console.Error.WriteLine($"bench: {e.Message}");
    return 1;
}
catch (BenchFailedException e)
{
    Console.Error.WriteLine($"bench: {e.Message}");
    return 1;
}
catch (InvalidOperationException e)
{
    // The harness says what is missing or did not start (a prerequisite, a silo that never got ready).
    Console.Error.WriteLine($"bench: {e.Message}");
    return 1;
}

static int CommitCostSeconds(string[] rest) => rest switch
{
    [] => 8,
    ["--seconds", var value] when value.Length > 0 && value[0] != '0' && value.All(char.IsAsciiDigit) => int.Parse(value),
    ["-h" or "--help"] => throw new HelpRequestedException(),
    _ => throw new UsageException("commit-cost takes only --seconds N (a whole number of at least 1)"),
};
