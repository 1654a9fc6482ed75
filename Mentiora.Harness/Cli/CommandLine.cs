namespace Mentiora.Harness.Cli;

/// <summary>The harness's command line: <c>start</c>, <c>status</c>, <c>stop</c> of a local cluster and <c>prerequisites</c>.</summary>
public static class CommandLine
{
    private const string Usage = """
        Starts the docker-compose.yml topology from local binaries, for tests and benchmarks on machines
        without Docker: a throwaway PostgreSQL, N Mentiora processes (each a web app and an Orleans silo)
        forming one cluster through it, and nginx balancing them on one port. Linux only.

          deploy/local-cluster.sh start [--silos N] [--port P] [--dir D] [--build]
          deploy/local-cluster.sh stop [--dir D]
          deploy/local-cluster.sh status [--dir D]
          deploy/local-cluster.sh prerequisites [--install] [postgres] [nginx] [chromium] [wrk] [fonts]

        start   prints the load balancer URL, the database connection string and the PIDs, and writes
                them to D/cluster.env (shell syntax: `. D/cluster.env`). N defaults to 2, P to 8080
                (0 picks a free port), D to /tmp/mentiora-cluster. The app is built with
                `dotnet build -c Release` when its binary is missing or older than the sources, or
                always with --build.
                The silos inherit the caller's environment, except for the settings the harness sets
                itself (database, Orleans ports and ids, URLs), so any other app setting can be given as
                an environment variable, e.g. `Traces__QueueCapacity=4 deploy/local-cluster.sh start`.
        stop    stops nginx, the silos (SIGTERM, SIGKILL after 30 s) and PostgreSQL, also when some of
                them already died, and removes D.
        status  says what runs and whether each silo and the load balancer answer /readyz.
        prerequisites  says where each program is; --install installs the missing ones (as root with apt-get).

        Needs the .NET SDK 10, the PostgreSQL server binaries (initdb, pg_ctl) and nginx; as root on
        Debian or Ubuntu the missing ones are installed with apt-get. Progress goes to stderr, the
        summary to stdout.
        """;

    /// <summary>Runs one command and returns the process exit code.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var command = args.Length > 0 ? args[0] : "";
        var rest = args.Skip(1).ToList();
        try
        {
            switch (command)
            {
                case "-h" or "--help" or "help":
                    Console.WriteLine(Usage);
                    return 0;
                case "":
                    Console.Error.WriteLine(Usage);
                    return 2;
                case "prerequisites":
                    return await PrerequisitesCommand.RunAsync(rest);
                case "start" or "stop" or "status":
                    var arguments = CliArguments.Parse(rest);
                    if (arguments.Help)
                    {
                        Console.WriteLine(Usage);
                        return 0;
                    }

                    return command switch
                    {
                        "start" => await StartCommand.RunAsync(arguments),
                        "stop" => await StopCommand.RunAsync(arguments),
                        _ => await StatusCommand.RunAsync(arguments),
                    };
                default:
                    return Report.Fail($"unknown command '{command}'; use start, stop, status or prerequisites (see --help)");
            }
        }
        catch (UsageException e)
        {
            return Report.Fail(e.Message);
        }
        catch (InvalidOperationException e)
        {
            return Report.Fail(e.Message);
        }
    }
}
