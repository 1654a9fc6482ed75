using System.Diagnostics;
using System.Diagnostics.Metrics;
using Mentiora.Tests.Infrastructure;
using Mentiora.Web.Operations;
using Mentiora.Web.Traces;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;

namespace Mentiora.Tests.Web;

/// <summary>
/// The real trace writer on a database the tests switch off and on: a brief outage costs requests
/// time, not an error; a longer one answers 503 at the deadline and stores nothing of those; memory
/// stays bounded; and nothing that goes wrong stops the writer.
/// </summary>
public sealed class TraceWriterHoldTests
{
    [Fact]
    public async Task EveryRequestThatWaitedThroughAFiveSecondOutageIsStoredOnceWhenTheDatabaseIsBack()
    {
        var sink = new FlakyTraceSink();
        await using var run = await WriterRun.StartAsync(sink, new TraceWriterOptions());
        sink.GoDown();
        var clock = Stopwatch.StartNew();
        var requests = new List<(TraceRecord Trace, Task<TraceWriteOutcome> Answer)>();
        while (clock.Elapsed < TimeSpan.FromSeconds(5))
        {
            var trace = NewTrace();
            requests.Add((trace, run.Writer.WriteAsync([trace])));
            await Task.Delay(100);
        }

        Assert.All(requests, r => Assert.False(r.Answer.IsCompleted, "a request was answered while the database was down"));
        sink.ComeBack();
        var cameBackAt = clock.Elapsed;
        var answers = await Task.WhenAll(requests.Select(r => r.Answer)).WaitAsync(TimeSpan.FromSeconds(5));

        Assert.All(answers, a => Assert.Equal(TraceWriteOutcome.Stored, a));
        // The writer retries at most a second apart, and the first of these requests would be answered 503 only 15 s
        // from now: 4 s tells "answered once the database is back" from "held until the deadline" with room for a machine
        // so loaded that a retry lands late (2.8 s was seen at a load average of 40 on two cores).
        Assert.True(clock.Elapsed - cameBackAt < TimeSpan.FromSeconds(4), $"held requests were answered {clock.Elapsed - cameBackAt} after the database came back");
        Assert.All(requests, r => Assert.Equal(1, sink.TimesStored(r.Trace.Event.SpanId)));
        Assert.Equal(requests.Count, sink.Stored().Count);

        // The operator reads one line when the hold begins and one when it ends, not one per retry.
        var lines = run.Logs.GetSnapshot();
        Assert.Single(lines, l => l.Level == LogLevel.Warning && l.Message.StartsWith("Storage is unreachable; holding", StringComparison.Ordinal));
        var back = Assert.Single(lines, l => l.Level == LogLevel.Information && l.Message.StartsWith("Storage is reachable again after", StringComparison.Ordinal));
        Assert.Contains($"committing the {requests.Count} waiting traces (0 waited longer", back.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(lines, l => l.Level >= LogLevel.Error);
    }

    [Fact]
    public async Task ARequestNotCommittedWithinTheRideThroughIsAnswered503AtItsDeadlineAndLaterOnesAreStored()
    {
        var sink = new FlakyTraceSink();
        await using var run = await WriterRun.StartAsync(sink, new TraceWriterOptions { RideThroughSeconds = 3 });
        sink.GoDown();
        var clock = Stopwatch.StartNew();
        var early = NewTrace();
        var earlyAnswer = run.Writer.WriteAsync([early]);

        Assert.Equal(TraceWriteOutcome.StorageFailed, await earlyAnswer.WaitAsync(TimeSpan.FromSeconds(10)));
        var answeredAfter = clock.Elapsed;
        // Without the deadline it would wait until the database comes back (never, here); a loaded machine may be a second late.
        Assert.InRange(answeredAfter, TimeSpan.FromSeconds(2.9), TimeSpan.FromSeconds(6));

        // Sent while the database is still down, which comes back half a second later, well within this request's
        // own ride-through: it waits and is stored. Timed from its own sending, not from the test's start, so that a
        // late answer above leaves it the same room (the writer retries at most a second apart, and a loaded machine
        // may add a second to that).
        var duringOutage = NewTrace();
        var duringAnswer = run.Writer.WriteAsync([duringOutage]);
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        Assert.False(duringAnswer.IsCompleted, "a request sent during the outage was answered before the database came back");
        sink.ComeBack();
        var after = NewTrace();

        Assert.Equal(TraceWriteOutcome.Stored, await duringAnswer.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(TraceWriteOutcome.Stored, await run.Writer.WriteAsync([after]).WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(0, sink.TimesStored(early.Event.SpanId));
        Assert.Equal(1, sink.TimesStored(duringOutage.Event.SpanId));
        Assert.Equal(1, sink.TimesStored(after.Event.SpanId));
    }

    [Fact]
    public async Task ARequestQueuedBehindAHeldBatchIsAnswered503AtItsDeadlineNotWhenTheLoopReachesIt()
    {
        // One loop, stuck in attempts that each take 6 s to fail (a connect that times out).
        var sink = new FlakyTraceSink(concurrentWrites: 1) { FailureTakes = TimeSpan.FromSeconds(6) };
        await using var run = await WriterRun.StartAsync(sink, new TraceWriterOptions { RideThroughSeconds = 1.5, MaxBatchSize = 1 });
        sink.GoDown();
        var held = run.Writer.WriteAsync([NewTrace()]);
        await Task.Delay(300);
        var queued = NewTrace();
        var clock = Stopwatch.StartNew();

        var answer = await run.Writer.WriteAsync([queued]).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(TraceWriteOutcome.StorageFailed, answer);
        // The loop would reach it only when its attempt ends, 5.7 s after it was sent.
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1.4), TimeSpan.FromSeconds(4));
        Assert.False(held.IsCompleted, "the held request is the loop's to answer, after its attempt");
        sink.ComeBack();
        Assert.Equal(TraceWriteOutcome.StorageFailed, await held.WaitAsync(TimeSpan.FromSeconds(10)));
        var later = NewTrace();
        Assert.Equal(TraceWriteOutcome.Stored, await run.Writer.WriteAsync([later]).WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(0, sink.TimesStored(queued.Event.SpanId));
        Assert.Equal([later.Event.SpanId], sink.Stored().Select(r => r.Event.SpanId));
    }

    [Fact]
    public async Task AConnectThatHangsIsGivenUpAtTheDeadlineAndTheRequestAnswered503ThenNotLater()
    {
        var sink = new FlakyTraceSink { ConnectHangs = true };
        await using var run = await WriterRun.StartAsync(sink, new TraceWriterOptions { RideThroughSeconds = 2 });
        sink.GoDown();
        var trace = NewTrace();
        var clock = Stopwatch.StartNew();

        var answer = await run.Writer.WriteAsync([trace]).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(TraceWriteOutcome.StorageFailed, answer);
        // Not before the deadline; and well before never (the connect hangs for good): a loaded
        // machine may answer a second late, which is still no hang.
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1.9), TimeSpan.FromSeconds(6));
        sink.ComeBack();
        var later = NewTrace();
        Assert.Equal(TraceWriteOutcome.Stored, await run.Writer.WriteAsync([later]).WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(0, sink.TimesStored(trace.Event.SpanId));
        Assert.Contains(run.Logs.GetSnapshot(), l => l.Message.StartsWith("Storage is unreachable", StringComparison.Ordinal) && l.Message.Contains("TimeoutException", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WhileTracesAreHeldARequestBeyondTheByteBoundIsRefusedAtOnceAndFitsAgainOnceTheyAreStored()
    {
        // Each trace is estimated at 3 × 1,000 + 512 bytes: two fit in 8,000, a third does not.
        var sink = new FlakyTraceSink();
        await using var run = await WriterRun.StartAsync(sink, new TraceWriterOptions { QueueBytes = 8_000 });
        sink.GoDown();
        var first = run.Writer.WriteAsync([NewTrace(jsonLength: 1_000)]);
        var second = run.Writer.WriteAsync([NewTrace(jsonLength: 1_000)]);

        var third = run.Writer.WriteAsync([NewTrace(jsonLength: 1_000)]);

        Assert.True(third.IsCompletedSuccessfully, "over the byte bound, a request is answered at once");
        Assert.Equal(TraceWriteOutcome.QueueFull, await third);
        Assert.False(first.IsCompleted || second.IsCompleted, "the first two wait for the database");
        sink.ComeBack();
        Assert.Equal([TraceWriteOutcome.Stored, TraceWriteOutcome.Stored], await Task.WhenAll(first, second).WaitAsync(TimeSpan.FromSeconds(5)));
        var again = await Task.WhenAll(run.Writer.WriteAsync([NewTrace(jsonLength: 1_000)]), run.Writer.WriteAsync([NewTrace(jsonLength: 1_000)])).WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal([TraceWriteOutcome.Stored, TraceWriteOutcome.Stored], again);
        Assert.Equal(4, sink.Stored().Count);
    }

    [Fact]
    public async Task ManyLoopsWakingForFewTracesWhileTheDatabaseFailsNeitherCommitAnEmptyBatchNorStopTheWriter()
    {
        var sink = new FlakyTraceSink(concurrentWrites: 16);
        var run = await WriterRun.StartAsync(sink, new TraceWriterOptions { RideThroughSeconds = 0.3 });
        sink.GoDown();
        var answers = new List<Task<TraceWriteOutcome>>();
        for (var i = 0; i < 40; i++)
        {
            // One at a time: every loop wakes, one finds the trace, the others nothing.
            answers.Add(run.Writer.WriteAsync([NewTrace()]));
            await Task.Delay(5);
        }

        var outcomes = await Task.WhenAll(answers).WaitAsync(TimeSpan.FromSeconds(10));
        await run.DisposeAsync();

        Assert.All(outcomes, o => Assert.Equal(TraceWriteOutcome.StorageFailed, o));
        Assert.False(sink.SawEmptyBatch, "an empty batch reached the database");
        Assert.True(run.Writer.ExecuteTask!.IsCompletedSuccessfully, $"the writer ended {run.Writer.ExecuteTask.Status}: {run.Writer.ExecuteTask.Exception}");
        Assert.DoesNotContain(run.Logs.GetSnapshot(), l => l.Level == LogLevel.Critical);
    }

    [Fact]
    public async Task ARequestTheDatabaseRefusesFailsAtOnceAloneWhileTheOthersInItsBatchAreStored()
    {
        var gate = new TaskCompletionSource();
        var sink = new FlakyTraceSink(concurrentWrites: 1) { Gate = gate };
        await using var run = await WriterRun.StartAsync(sink, new TraceWriterOptions());
        var blocker = run.Writer.WriteAsync([NewTrace()]);
        await Task.Delay(100);
        var traces = Enumerable.Range(0, 5).Select(_ => NewTrace()).ToArray();
        sink.Refuse(traces[2].Event.SpanId);
        var answers = traces.Select(t => run.Writer.WriteAsync([t])).ToArray();
        var clock = Stopwatch.StartNew();

        gate.SetResult();
        var outcomes = await Task.WhenAll(answers).WaitAsync(TimeSpan.FromSeconds(5));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"a refused request must not be held; answered after {clock.Elapsed}");
        Assert.Equal(TraceWriteOutcome.Stored, await blocker);
        Assert.Contains(5, sink.BatchSizes());
        Assert.Equal([TraceWriteOutcome.Stored, TraceWriteOutcome.Stored, TraceWriteOutcome.StorageFailed, TraceWriteOutcome.Stored, TraceWriteOutcome.Stored], outcomes);
        Assert.Equal(0, sink.TimesStored(traces[2].Event.SpanId));
        Assert.All(traces.Where((_, i) => i != 2), t => Assert.Equal(1, sink.TimesStored(t.Event.SpanId)));
        Assert.DoesNotContain(run.Logs.GetSnapshot(), l => l.Message.StartsWith("Storage is unreachable", StringComparison.Ordinal));
    }

    [Fact]
    public async Task StoppingTheWriterWhileItHoldsABatchStillStoresItWhenTheDatabaseComesBackInTime()
    {
        var sink = new FlakyTraceSink();
        var run = await WriterRun.StartAsync(sink, new TraceWriterOptions { RideThroughSeconds = 5 });
        sink.GoDown();
        var trace = NewTrace();
        var answer = run.Writer.WriteAsync([trace]);
        await Task.Delay(300);

        var stopping = run.DisposeAsync().AsTask();
        await Task.Delay(1_000);
        Assert.False(stopping.IsCompleted, "the writer stopped before its held batch was answered");
        sink.ComeBack();
        await stopping.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(TraceWriteOutcome.Stored, await answer);
        Assert.Equal(1, sink.TimesStored(trace.Event.SpanId));
        Assert.Equal(TraceWriteOutcome.QueueFull, await run.Writer.WriteAsync([NewTrace()]));
    }

    private static TraceRecord NewTrace(int jsonLength = 2)
    {
        var json = jsonLength <= 2 ? "{}" : "{\"x\":\"" + new string('x', jsonLength - 8) + "\"}";
        var traceEvent = new TraceEvent(Guid.CreateVersion7(), Guid.CreateVersion7(), null, null, "step", "llm", DateTimeOffset.UtcNow,
            null, null, null, null, null, null, null, null, json);
        return new TraceRecord(Guid.NewGuid(), Guid.NewGuid(), DateTimeOffset.UtcNow, traceEvent);
    }

    /// <summary>A started writer with its logs; disposing stops it the way the host does.</summary>
    private sealed class WriterRun : IAsyncDisposable
    {
        private readonly ServiceProvider _services;
        private int _stopped;

        private WriterRun(ServiceProvider services, TraceWriter writer, FakeLogCollector logs)
        {
            _services = services;
            Writer = writer;
            Logs = logs;
        }

        public TraceWriter Writer { get; }

        public FakeLogCollector Logs { get; }

        public static async Task<WriterRun> StartAsync(FlakyTraceSink sink, TraceWriterOptions options)
        {
            var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
            var logger = new FakeLogger<TraceWriter>();
            var writer = new TraceWriter(sink, Options.Create(options), new MentioraMetrics(services.GetRequiredService<IMeterFactory>()), logger, TimeProvider.System);
            await writer.StartAsync(CancellationToken.None);
            return new WriterRun(services, writer, logger.Collector);
        }

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _stopped, 1) == 0)
            {
                await Writer.StopAsync(CancellationToken.None);
                Writer.Dispose();
                await _services.DisposeAsync();
            }
        }
    }
}
