namespace Mentiora.Bench.Measuring;

/// <summary>How busy the whole machine is: the benchmark assumes nothing else runs.</summary>
public static class MachineLoad
{
    /// <summary>The CPU busy share of the machine over one second, in percent.</summary>
    public static async Task<int> BusyPercentAsync()
    {
        var before = Read();
        await Task.Delay(TimeSpan.FromSeconds(1));
        var after = Read();
        var total = after.Total - before.Total;
        return total <= 0 ? 0 : (int)(100 * (total - (after.Idle - before.Idle)) / total);
    }

    private static (long Idle, long Total) Read()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var total = 0L;
        for (var i = 1; i <= 8 && i < fields.Length; i++)
        {
            total += long.Parse(fields[i]);
        }

        return (long.Parse(fields[4]) + long.Parse(fields[5]), total);
    }
}
