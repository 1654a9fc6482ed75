namespace Mentiora.Bench.Options;

/// <summary>Reads run.sh's options; a wrong one throws <see cref="UsageException"/> with the message to show.</summary>
public static class OptionsParser
{
    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        var options = new BenchOptions();
        for (var i = 0; i < args.Count; i += 2)
        {
            var name = args[i];
            if (name is "-h" or "--help")
            {
                throw new HelpRequestedException();
            }

            if (i + 1 >= args.Count)
            {
                throw new UsageException(IsKnown(name) ? $"{name} needs a value" : $"unknown argument '{name}' (see --help)");
            }

            var value = args[i + 1];
            options = name switch
            {
                "--only" => options with { Only = value, Scenarios = ParseScenarios(value) },
                "--duration" => options with { DurationSeconds = Seconds(value) },
                "--runs" => options with { Runs = Count("runs", value) },
                "--connections" => options with { Connections = Count("connections", value) },
                "--threads" => options with { Threads = Count("threads", value) },
                "--batch-connections" => options with { BatchConnections = Count("batch-connections", value) },
                "--rate-duration" => options with { RateDurationSeconds = Seconds(value) },
                "--warmup" => options with { WarmupSeconds = Seconds(value) },
                "--results" => options with { Results = value },
                "--spans" => options with { Spans = Count("spans", value) },
                "--page-requests" => options with { PageRequests = Count("page-requests", value) },
                _ => throw new UsageException($"unknown argument '{name}' (see --help)"),
            };
        }

        if (options.Threads > options.Connections || options.Threads > options.BatchConnections)
        {
            throw new UsageException("--threads must not exceed --connections or --batch-connections (wrk needs a connection per thread)");
        }

        return options;
    }

    /// <summary>Whole seconds of "10s", "2m" or "10": wrk takes the same forms.</summary>
    public static int Seconds(string value)
    {
        var number = value;
        var factor = 1;
        if (value.Length > 1 && value[^1] == 's' && char.IsAsciiDigit(value[^2]))
        {
            number = value[..^1];
        }
        else if (value.Length > 1 && value[^1] == 'm' && char.IsAsciiDigit(value[^2]))
        {
            number = value[..^1];
            factor = 60;
        }

        if (number.Length == 0 || !number.All(char.IsAsciiDigit) || !int.TryParse(number, out var seconds) || seconds * factor < 1)
        {
            throw new UsageException($"'{value}' is not a duration of whole seconds (e.g. 10s, 1m)");
        }

        return seconds * factor;
    }

    private static bool IsKnown(string name) => name is "--only" or "--duration" or "--runs" or "--connections" or "--threads"
        or "--batch-connections" or "--rate-duration" or "--warmup" or "--results" or "--spans" or "--page-requests";

    private static int Count(string name, string value) =>
        value.Length > 0 && value[0] != '0' && value.All(char.IsAsciiDigit) && int.TryParse(value, out var count)
            ? count
            : throw new UsageException($"--{name} must be a whole number of at least 1, not '{value}'");

    private static HashSet<string> ParseScenarios(string list)
    {
        var known = BenchOptions.AllScenarios.Concat(BenchOptions.ExtraScenarios).ToList();
        var wanted = new HashSet<string>();
        foreach (var scenario in list.Split(','))
        {
            if (!known.Contains(scenario))
            {
                throw new UsageException($"--only: unknown scenario '{scenario}' (choose from {string.Join(',', known)})");
            }

            wanted.Add(scenario);
        }

        return wanted.Count > 0 ? wanted : throw new UsageException("--only names no scenario");
    }
}
