namespace Mentiora.Bench.Options;

/// <summary>What one benchmark run measures and for how long, as given on the command line.</summary>
public sealed record BenchOptions
{
    /// <summary>The scenarios compared with targets, in the order they run when --only is not given.</summary>
    public static readonly IReadOnlyList<string> AllScenarios = ["auth", "postgres", "batch", "sqlite", "cluster"];

    /// <summary>Run only when named: a diagnosis or a fault drill, not a comparison with targets.</summary>
    public static readonly IReadOnlyList<string> ExtraScenarios = ["auth-breakdown", "faults", "traces-page"];

    public string Only { get; init; } = string.Join(',', AllScenarios);
    public IReadOnlySet<string> Scenarios { get; init; } = new HashSet<string>(AllScenarios);
    public int DurationSeconds { get; init; } = 10;
    public int Runs { get; init; } = 3;
    public int Connections { get; init; } = 32;
    public int Threads { get; init; } = 2;
    public int BatchConnections { get; init; } = 8;
    public int RateDurationSeconds { get; init; } = 5;
    public int WarmupSeconds { get; init; } = 5;
    public string? Results { get; init; }

    /// <summary>How many spans the traces-page scenario seeds (fewer for a quick check).</summary>
    public int Spans { get; init; } = 10_000_000;

    /// <summary>How many sequential requests the traces-page scenario times per page, after as many warm-up requests as a tenth of them.</summary>
    public int PageRequests { get; init; } = 200;

    public bool Wants(string scenario) => Scenarios.Contains(scenario);

    /// <summary>The scenarios that run on the single app with PostgreSQL.</summary>
    public bool NeedsPostgres => Wants("auth") || Wants("auth-breakdown") || Wants("postgres") || Wants("batch");

    /// <summary>The command line that reproduces this run, as the report prints it.</summary>
    public string CommandLine =>
        $"bench/run.sh --only {Only} --duration {DurationSeconds}s --runs {Runs} --connections {Connections} --threads {Threads} " +
        $"--batch-connections {BatchConnections} --rate-duration {RateDurationSeconds}s --warmup {WarmupSeconds}s" +
        (Wants("traces-page") ? $" --spans {Spans} --page-requests {PageRequests}" : string.Empty);
}
