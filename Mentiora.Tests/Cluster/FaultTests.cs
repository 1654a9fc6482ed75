using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Mentiora.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Mentiora.Tests.Cluster;

/// <summary>Under steady load on two silos, a database outage costs availability, never an acknowledged trace.</summary>
public sealed class FaultTests(ITestOutputHelper output)
{
    // What the README promises: service is back this long after the database is.
    private static readonly TimeSpan RecoveryBound = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task StoppingPostgresForTenSecondsLosesNoAcknowledgedTraceAndServiceResumes()
    {
        await using var server = await ThrowawayPostgres.StartAsync();
        var connectionString = await server.CreateDatabaseAsync("faults");
        await using var cluster = await TwoSiloCluster.StartOnAsync(connectionString);
        var owner = DashboardClient.Using(cluster.A.CreateClient());
        var key = await owner.CreateApiKeyAsync(await owner.SignUpAsync(), "Load");
        using var apiOnA = cluster.A.CreateClient();
        using var apiOnB = cluster.B.CreateClient();
        apiOnA.Timeout = apiOnB.Timeout = TimeSpan.FromSeconds(10);

        var acknowledged = new ConcurrentBag<Guid>();
        var answers = new ConcurrentDictionary<string, int>();
        var clock = Stopwatch.StartNew();
        TimeSpan? stoppedAt = null, restartedAt = null, firstAcceptedAfterRestart = null;
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(28));

        // Eight clients, alternating silos, as behind a load balancer; bounded in time.
        var clients = Enumerable.Range(0, 8).Select(c => Task.Run(async () =>
        {
            var api = c % 2 == 0 ? apiOnA : apiOnB;
            while (!stop.IsCancellationRequested)
            {
                var trace = TraceEvents.Valid();
                string outcome;
                try
                {
                    using var response = await api.SendAsync(TraceEvents.Post(trace, key));
                    outcome = ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
                    if (response.StatusCode == HttpStatusCode.Accepted)
                    {
                        acknowledged.Add(Guid.Parse((string)trace["trace_id"]!));
                        if (restartedAt is not null && firstAcceptedAfterRestart is null)
                        {
                            firstAcceptedAfterRestart = clock.Elapsed;
                        }
                    }
                    else if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
                    {
                        Assert.NotNull(response.Headers.RetryAfter);
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    outcome = "connection error";
                }

                answers.AddOrUpdate(outcome, 1, (_, n) => n + 1);
                await Task.Delay(20);
            }
        })).ToArray();

        await Task.Delay(TimeSpan.FromSeconds(3));
        await server.StopAsync();
        stoppedAt = clock.Elapsed;
        await Task.Delay(TimeSpan.FromSeconds(10));
        await server.RestartAsync();
        restartedAt = clock.Elapsed;
        await Task.WhenAll(clients);

        output.WriteLine($"answers: {string.Join(", ", answers.Select(a => $"{a.Value}×{a.Key}"))}; database stopped at {stoppedAt:g}, " +
            $"restarted at {restartedAt:g}, first 202 after restart at {firstAcceptedAfterRestart:g}");
        Assert.All(answers.Keys, outcome => Assert.Contains(outcome, new[] { "202", "503", "connection error" }));
        Assert.True(answers.ContainsKey("503"), "the outage should have been noticed");
        Assert.NotNull(firstAcceptedAfterRestart);
        Assert.True(firstAcceptedAfterRestart - restartedAt <= RecoveryBound,
            $"service should resume within {RecoveryBound.TotalSeconds} s of the database; took {(firstAcceptedAfterRestart - restartedAt)?.TotalSeconds:0.0} s");

        Assert.Empty(acknowledged.Except(await StoredTraces.TraceIdsAsync(connectionString)));
    }
}
