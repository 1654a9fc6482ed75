namespace Mentiora.Harness.Cli;

/// <summary>The harness's command line: <c>start</c>, <c>status</c>, <c>stop</c> of a local cluster and <c>prerequisites</c>.</summary>
public static class CommandLine
{
    /// <summary>Runs one command and returns the process exit code.</summary>
    public static Task<int> RunAsync(string[] args)
    {
        Console.Error.WriteLine("not yet");
        return Task.FromResult(2);
    }
}
