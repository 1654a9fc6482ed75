using System.Diagnostics;

namespace Mentiora.Bench.Measuring;

/// <summary>
/// Reads every process's CPU time from /proc/&lt;pid&gt;/stat while a run lasts and splits it by
/// component: the named process groups, then wrk, postgres and nginx by command name, then
/// everything else, and the machine's idle time from /proc/stat.
/// </summary>
public sealed class CpuSampler : IAsyncDisposable
{
    // Linux reports CPU times in USER_HZ ticks, 100 a second on every architecture .NET runs on.
    private const double TicksPerSecond = 100;

    // Sampling, not one reading at each end: wrk and LoadGen exit when the run ends, and a process
    // that is gone cannot be read, so its last sample stands for it (at most one interval short).
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    private static readonly string[] NamedByCommand = ["wrk", "postgres", "nginx"];

    private readonly IReadOnlyList<CpuGroup> _groups;
    private readonly Dictionary<int, (string Command, long StartTicks, long Baseline, long Last)> _processes = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _firstIdle;
    private long _lastIdle;
    private long _firstTimestamp;
    private long _lastTimestamp;
    private bool _first = true;

    private CpuSampler(IReadOnlyList<CpuGroup> groups)
    {
        _groups = groups;
        Sample();
        _loop = Task.Run(LoopAsync);
    }

    public static CpuSampler Start(params CpuGroup[] groups) => new(groups);

    /// <summary>Stops sampling and splits the CPU used since the start.</summary>
    public async Task<CpuSplit> StopAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        Sample();
        var seconds = Math.Max(Stopwatch.GetElapsedTime(_firstTimestamp, _lastTimestamp).TotalSeconds, 0.001);
        var sums = new Dictionary<string, double>();
        foreach (var (pid, ticks) in _processes)
        {
            var name = _groups.FirstOrDefault(g => g.ProcessIds.Contains(pid))?.Name
                ?? NamedByCommand.FirstOrDefault(c => ticks.Command.StartsWith(c, StringComparison.Ordinal))
                ?? "other";
            sums[name] = sums.GetValueOrDefault(name) + (ticks.Last - ticks.Baseline);
        }

        var parts = _groups.Select(g => g.Name).Concat(NamedByCommand).Append("other").Distinct()
            .Select(name => KeyValuePair.Create(name, 100 * sums.GetValueOrDefault(name) / TicksPerSecond / seconds))
            .Append(KeyValuePair.Create("idle", 100 * (_lastIdle - _firstIdle) / TicksPerSecond / seconds))
            .ToList();
        return new CpuSplit(parts);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await _stop.CancelAsync();
            await _loop;
        }

        _stop.Dispose();
    }

    private async Task LoopAsync()
    {
        try
        {
            while (true)
            {
                await Task.Delay(Interval, _stop.Token);
                Sample();
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Sample()
    {
        lock (_processes)
        {
            var timestamp = Stopwatch.GetTimestamp();
            var idle = ReadIdleTicks();
            foreach (var directory in System.IO.Directory.EnumerateDirectories("/proc"))
            {
                if (!int.TryParse(Path.GetFileName(directory), out var pid) || ReadProcess(directory) is not { } reading)
                {
                    continue;
                }

                if (_processes.TryGetValue(pid, out var known) && known.StartTicks == reading.StartTicks)
                {
                    _processes[pid] = known with { Last = reading.Ticks };
                }
                else
                {
                    // A process born during the run used all of its CPU within it.
                    _processes[pid] = (reading.Command, reading.StartTicks, _first ? reading.Ticks : 0, reading.Ticks);
                }
            }

            if (_first)
            {
                _firstIdle = idle;
                _firstTimestamp = timestamp;
                _first = false;
            }

            _lastIdle = idle;
            _lastTimestamp = timestamp;
        }
    }

    // The "cpu" line of /proc/stat: user nice system idle iowait ...; idle and iowait are idle.
    private static long ReadIdleTicks()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return long.Parse(fields[4]) + long.Parse(fields[5]);
    }

    private static (string Command, long StartTicks, long Ticks)? ReadProcess(string directory)
    {
        string stat;
        try
        {
            stat = File.ReadAllText(Path.Combine(directory, "stat"));
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }

        // The command name may hold spaces and parentheses, but ends at the last ")".
        var open = stat.IndexOf('(');
        var close = stat.LastIndexOf(')');
        if (open < 0 || close < open)
        {
            return null;
        }

        // After the name: state (field 3) ... utime (14), stime (15) ... starttime (22).
        var rest = stat[(close + 2)..].Split(' ');
        if (rest.Length < 20)
        {
            return null;
        }

        return (stat[(open + 1)..close], long.Parse(rest[19]), long.Parse(rest[11]) + long.Parse(rest[12]));
    }
}
