using System.Diagnostics;
using System.Globalization;
using Mentiora.Bench.Output;

namespace Mentiora.Bench.Measuring;

/// <summary>The trace writer's counters summed over the silos' /metrics pages (each on its silo's metrics port) at one moment.</summary>
public sealed record WriterSnapshot(double Accepted, double Batches, double Traces, double CommitSeconds, double QueueDepth, long Timestamp)
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    /// <summary>One scrape of each silo's Prometheus page, summed (the cluster has one page per silo).</summary>
    public static async Task<WriterSnapshot> ScrapeAsync(IEnumerable<Uri> silos)
    {
        double accepted = 0, batches = 0, traces = 0, seconds = 0, queue = 0;
        foreach (var silo in silos)
        {
            var page = await PageAsync(silo);
            foreach (var line in page.Split('\n'))
            {
                accepted += ValueOf(line, "mentiora_traces_accepted_total");
                batches += ValueOf(line, "mentiora_trace_writer_batch_size_count");
                traces += ValueOf(line, "mentiora_trace_writer_batch_size_sum");
                seconds += ValueOf(line, "mentiora_trace_writer_batch_duration_seconds_sum");
                queue += ValueOf(line, "mentiora_trace_writer_queue_depth");
            }
        }

        return new WriterSnapshot(accepted, batches, traces, seconds, queue, Stopwatch.GetTimestamp());
    }

    /// <summary>
    /// Batch sizes and commit times between two snapshots. The writer commits one batch at a time,
    /// so "busy" near 100% (per silo) means the commits, not the requests, set the pace.
    /// </summary>
    public static string Delta(WriterSnapshot before, WriterSnapshot after, int silos)
    {
        var batches = after.Batches - before.Batches;
        if (batches <= 0)
        {
            return "commits=0";
        }

        var traces = after.Traces - before.Traces;
        var seconds = after.CommitSeconds - before.CommitSeconds;
        var elapsed = Stopwatch.GetElapsedTime(before.Timestamp, after.Timestamp).TotalSeconds;
        return string.Create(CultureInfo.InvariantCulture,
            $"commits={batches:0} mean_batch={traces / batches:0.0} mean_commit_ms={1000 * seconds / batches:0.00} writer_busy={100 * seconds / elapsed / silos:0}%");
    }

    // A silo that does not answer would count as zero and fake a mismatch (or hide one): a few
    // tries, then the run stops.
    private static async Task<string> PageAsync(Uri silo)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await Http.GetStringAsync(new Uri(silo, "/metrics"));
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && attempt < 3)
            {
                await Task.Delay(500);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                throw new BenchFailedException($"{silo} did not answer /metrics ({e.Message})");
            }
        }
    }

    // A sample line is "name value" or "name{labels} value" (optionally a timestamp after it).
    private static double ValueOf(string line, string name)
    {
        if (!line.StartsWith(name, StringComparison.Ordinal) || line.Length == name.Length || (line[name.Length] != ' ' && line[name.Length] != '{'))
        {
            return 0;
        }

        var afterLabels = line[name.Length] == '{' ? line[(line.IndexOf('}', name.Length) + 1)..] : line[name.Length..];
        var value = afterLabels.Trim().Split(' ')[0];
        return double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) ? number : 0;
    }
}
