using System.Collections.Concurrent;
using System.Diagnostics;
using Mentiora.Harness.Clients;

namespace Mentiora.Harness.Load;

/// <summary>
/// Open-loop traffic: requests of new events are started at a fixed rate whatever the answers, as many independent
/// applications would, with a cap on how many deliveries are in flight at once so the load generator itself stays bounded.
/// </summary>
/// <remarks>Usage: <c>var traces = await OpenLoopBurst.RunAsync(sender, requestsPerSecond: 60, TimeSpan.FromSeconds(5), eventsPerRequest: 10, maxInFlight: 400, ct);</c></remarks>
public static class OpenLoopBurst
{
    /// <summary>
    /// Starts <paramref name="requestsPerSecond"/> requests of <paramref name="eventsPerRequest"/> events each second for
    /// <paramref name="duration"/> (a request waits for a free slot when <paramref name="maxInFlight"/> are in flight), and
    /// returns every event once every delivery has ended.
    /// </summary>
    public static async Task<IReadOnlyList<SentTrace>> RunAsync(
        SdkLikeSender sender, double requestsPerSecond, TimeSpan duration, int eventsPerRequest, int maxInFlight,
        CancellationToken abort = default, string name = "burst")
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(requestsPerSecond);
        var traces = new ConcurrentQueue<SentTrace>();
        var slots = new SemaphoreSlim(maxInFlight);
        var deliveries = new List<Task>();
        var requests = (int)Math.Round(requestsPerSecond * duration.TotalSeconds);
        var started = Stopwatch.StartNew();
        for (var i = 0; i < requests; i++)
        {
            // On a schedule, not after the previous answer: a slow service does not slow the arrivals down.
            var due = TimeSpan.FromSeconds(i / requestsPerSecond) - started.Elapsed;
            if (due > TimeSpan.Zero) await Task.Delay(due, abort);
            await slots.WaitAsync(abort);
            deliveries.Add(Task.Run(async () =>
            {
                try
                {
                    foreach (var trace in await SteadyLoad.SendOneAsync(sender, name, eventsPerRequest, abort)) traces.Enqueue(trace);
                }
                finally
                {
                    slots.Release();
                }
            }, CancellationToken.None));
        }

        await Task.WhenAll(deliveries);
        return traces.ToArray();
    }
}
