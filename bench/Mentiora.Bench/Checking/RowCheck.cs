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
    public Task<(long Rows, WriterSnapshot Writer)> BeforeAsync() => SettledAsync();

    /// <summary>Checks the run; the text goes into runs.tsv ("ok ..." or "FAIL ..." followed by the writer's numbers).</summary>
    public async Task<RowCheckResult> AfterAsync(string label, long acknowledged, long unanswered, (long Rows, WriterSnapshot Writer) before)
    {
        var (rowsAfter, writerAfter) = await SettledAsync();
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

    // After the client stops, requests it abandoned may still be queued in the app, and a batch may
    // be in its commit (out of the queue, not yet counted): wait until the queue is empty and neither
    // the row count nor the app's count of 202s moves, and take both from that same moment.
    private async Task<(long Rows, WriterSnapshot Writer)> SettledAsync()
    {
        var deadline = DateTime.UtcNow + SettleTimeout;
        var rows = await counter.CountAsync();
        var writer = await WriterSnapshot.ScrapeAsync(silos);
        while (true)
        {
            await Task.Delay(200);
            var nextWriter = await WriterSnapshot.ScrapeAsync(silos);
            var nextRows = await counter.CountAsync();
            var still = nextRows == rows && nextWriter.Accepted == writer.Accepted && nextWriter.QueueDepth == 0;
            (rows, writer) = (nextRows, nextWriter);
            if (still || DateTime.UtcNow >= deadline)
            {
                return (rows, writer);
            }
        }
    }
}
