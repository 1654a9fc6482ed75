using Mentiora.Bench.Measuring;
using Mentiora.Bench.Output;

namespace Mentiora.Bench.Checking;

/// <summary>
/// Compares the rows an ingestion run added to `traces` with the traces answered 202: the app's own
/// count must equal the rows exactly, and the rows must lie between the client's 202s and those plus
/// the requests the client abandoned in flight (the app may have stored those).
/// </summary>
public sealed class RowCheck(IRowCounter counter, IReadOnlyList<Uri> silos)
{
    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The rows and the writer's counters before a run.</summary>
    public async Task<(long Rows, WriterSnapshot Writer)> BeforeAsync() => (await SettledRowsAsync(), await WriterSnapshot.ScrapeAsync(silos));

    /// <summary>Checks the run; the text goes into runs.tsv ("ok ..." or "FAIL ..." followed by the writer's numbers).</summary>
    public async Task<RowCheckResult> AfterAsync(string label, long acknowledged, long unanswered, (long Rows, WriterSnapshot Writer) before)
    {
        var rowsAfter = await SettledRowsAsync();
        var writerAfter = await WriterSnapshot.ScrapeAsync(silos);
        var stored = rowsAfter - before.Rows;
        var appAccepted = (long)Math.Round(writerAfter.Accepted - before.Writer.Accepted);
        var ok = stored == appAccepted && stored >= acknowledged && stored <= acknowledged + unanswered;
        var text = $"{(ok ? "ok" : "FAIL")} rows={stored} app_202={appAccepted} client_202={acknowledged} unanswered={unanswered}";
        if (!ok)
        {
            Progress.Say($"ROW COUNT CHECK FAILED for {label}: {stored} rows added, the app answered 202 for {appAccepted} traces, " +
                $"the client saw {acknowledged} acknowledged and {unanswered} unanswered");
        }

        return new RowCheckResult(ok, text, WriterSnapshot.Delta(before.Writer, writerAfter, silos.Count));
    }

    // After the client stops, requests it abandoned may still be queued in the app: wait until the
    // writer's queue is empty and the count stops moving.
    private async Task<long> SettledRowsAsync()
    {
        var deadline = DateTime.UtcNow + SettleTimeout;
        long? previous = null;
        while (true)
        {
            var current = await counter.CountAsync();
            if (current == previous && (await WriterSnapshot.ScrapeAsync(silos)).QueueDepth == 0)
            {
                return current;
            }

            if (DateTime.UtcNow >= deadline)
            {
                return current;
            }

            previous = current;
            await Task.Delay(200);
        }
    }
}
