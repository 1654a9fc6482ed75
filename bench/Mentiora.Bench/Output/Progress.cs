using System.Diagnostics;

namespace Mentiora.Bench.Output;

/// <summary>Progress lines on stderr, each with the seconds since the start, as "[ 12s] ...".</summary>
public static class Progress
{
    private static readonly Stopwatch Clock = Stopwatch.StartNew();

    public static void Say(string line) => Console.Error.WriteLine($"[{(int)Clock.Elapsed.TotalSeconds,3}s] {line}");

    public static TimeSpan Elapsed => Clock.Elapsed;
}
