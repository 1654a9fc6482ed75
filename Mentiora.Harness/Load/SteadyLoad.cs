using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Mentiora.Harness.Clients;

namespace Mentiora.Harness.Load;

/// <summary>
/// Closed-loop traffic like applications using the SDKs: each of N clients sends one new trace (fresh trace_id and
/// span_id) through an <see cref="SdkLikeSender"/>, waits until it is delivered or dropped, pauses and goes again,
/// until stopped, a time bound or a count bound.
/// </summary>
/// <remarks>
/// Usage: <c>await using var load = SteadyLoad.Start(sender, clients: 8, pause: TimeSpan.FromMilliseconds(20), longest, maxTraces);</c>
/// … <c>await load.StopAsync(); load.Traces</c>.
/// </remarks>
public sealed class SteadyLoad : IAsyncDisposable
{
    private readonly SdkLikeSender _sender;
    private readonly string _name;
    private readonly int _eventsPerRequest;
    private readonly CancellationTokenSource _stop;
    private readonly CancellationToken _abort;
    private readonly ConcurrentQueue<SentTrace> _traces = new();
    private int _started;

    private SteadyLoad(SdkLikeSender sender, string name, int eventsPerRequest, TimeSpan longest, CancellationToken abort)
    {
        _sender = sender;
        _name = name;
        _eventsPerRequest = eventsPerRequest;
        _abort = abort;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(abort);
        _stop.CancelAfter(longest);
        Completion = Task.CompletedTask;
    }

    /// <summary>Ends when every client has stopped and every delivery in flight has ended.</summary>
    public Task Completion { get; private set; }

    /// <summary>Every trace whose delivery has ended so far, in no particular order.</summary>
    public IReadOnlyList<SentTrace> Traces => _traces.ToArray();

    /// <summary>
    /// Starts <paramref name="clients"/> loops, each sending a request of <paramref name="eventsPerRequest"/> new events, pausing
    /// <paramref name="pause"/> after its delivery ended and going again, until <see cref="StopAsync"/>, <paramref name="longest"/> or
    /// <paramref name="maxRequests"/> requests in all. <paramref name="abort"/> also abandons deliveries in flight.
    /// </summary>
    public static SteadyLoad Start(
        SdkLikeSender sender, int clients, TimeSpan pause, TimeSpan longest, int maxRequests,
        string name = "steady", int eventsPerRequest = 1, CancellationToken abort = default)
    {
        var load = new SteadyLoad(sender, name, eventsPerRequest, longest, abort);
        load.Completion = Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(() => load.ClientAsync(pause, maxRequests))));
        return load;
    }

    /// <summary>Asks every client to stop after its current delivery (which ends normally, so no 202 is missed), and waits for them.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Completion;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        finally
        {
            _stop.Dispose();
        }
    }

    private async Task ClientAsync(TimeSpan pause, int maxRequests)
    {
        while (!_stop.IsCancellationRequested && Interlocked.Increment(ref _started) <= maxRequests)
        {
            foreach (var trace in await SendOneAsync(_sender, _name, _eventsPerRequest, _abort)) _traces.Enqueue(trace);
            if (pause <= TimeSpan.Zero) continue;
            try
            {
                await Task.Delay(pause, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Sends one request of <paramref name="events"/> new events (a single object for one, an array for more) and records each.</summary>
    internal static async Task<IReadOnlyList<SentTrace>> SendOneAsync(SdkLikeSender sender, string name, int events, CancellationToken abort)
    {
        var bodies = Enumerable.Range(0, events).Select(_ => SdkTraceEvents.Valid()).ToList();
        JsonNode body = events == 1 ? bodies[0] : new JsonArray([.. bodies]);
        var delivery = await sender.SendAsync(body.ToJsonString(), abort);
        return bodies.Select(b =>
        {
            var (traceId, spanId) = SdkTraceEvents.IdsOf(b);
            return new SentTrace(name, traceId, spanId, delivery.StartedAt, delivery);
        }).ToList();
    }
}
