namespace Mentiora.Harness.Cli;

/// <summary>How the command line talks: progress lines and warnings on stderr, the summary on stdout.</summary>
internal static class Report
{
    /// <summary>A progress line ("==> Starting silo 1").</summary>
    public static void Progress(string line) => Console.Error.WriteLine($"==> {line}");

    /// <summary>A warning or an error, prefixed like the script that hands over to this command line.</summary>
    public static void Warn(string line) => Console.Error.WriteLine($"local-cluster: {line}");

    /// <summary>Says what went wrong and returns the exit code for it.</summary>
    public static int Fail(string line)
    {
        Warn(line);
        return 1;
    }
}
