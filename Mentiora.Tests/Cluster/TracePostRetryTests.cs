using System.Diagnostics;
using System.Globalization;
using System.Net;
using Mentiora.Harness.Clusters;
using Mentiora.Harness.Processes;
using Mentiora.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Mentiora.Tests.Cluster;

/// <summary>Through nginx, a trace POST that was in flight on a silo when it died is answered by another silo, not lost.</summary>
public sealed class TracePostRetryTests(ITestOutputHelper output)
{
    private const int InFlight = 8;

    [Fact]
    public async Task TracePostsInFlightOnAKilledSiloAreAcceptedByTheOtherSilo()
    {
        await using var cluster = await TestClusters.StartAsync(new ClusterOptions
        {
            ConnectionString = await (await SharedPostgres.GetAsync()).CreateDatabaseAsync("nginx-retry"),
            Nginx = true,
            SiloStopTimeout = TimeSpan.FromSeconds(30),
        });
        var owner = DashboardClient.Using(cluster.CreateClient());
        var key = await owner.CreateApiKeyAsync(await owner.SignUpAsync(), "Production");
        using var api = cluster.CreateClient();
        for (var i = 0; i < 4; i++)
        {
            // Both silos have answered through nginx, so it holds kept-alive connections to each.
            using var warm = await api.SendAsync(TraceEvents.Post(TraceEvents.Valid(), key));
            Assert.Equal(HttpStatusCode.Accepted, warm.StatusCode);
        }

        // A frozen silo takes the requests nginx sends it and never answers: they are in flight when it dies.
        ProcessAlive.Signal(cluster.SiloProcessIds[0], "STOP");
        var traces = Enumerable.Range(0, InFlight).Select(_ => TraceEvents.Valid()).ToArray();
        var clock = Stopwatch.StartNew();
        var posts = traces.Select(async trace =>
        {
            using var response = await api.SendAsync(TraceEvents.Post(trace, key));
            return (response.StatusCode, Body: await response.Content.ReadAsStringAsync(), After: clock.Elapsed);
        }).ToArray();
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.DoesNotContain(posts, p => p.IsCompleted && p.Result.StatusCode != HttpStatusCode.Accepted);
        cluster.KillSilo(0);
        var answers = await Task.WhenAll(posts);

        output.WriteLine(string.Join('\n', answers.Select(a => $"{(int)a.StatusCode} after {a.After.TotalSeconds:0.00} s")));
        output.WriteLine(cluster.Nginx!.ErrorLogTail());
        Assert.All(answers, a => Assert.True(a.StatusCode == HttpStatusCode.Accepted, $"answered {(int)a.StatusCode} {a.Body}\n{cluster.LogTails()}"));

        // Some were sent to the frozen silo first: nginx logged their failure there before trying the other.
        Assert.Contains("POST /api/v1/traces", cluster.Nginx.ErrorLogTail(50));
        var storage = await TestStorage.NewPostgresOnAsync(cluster.ConnectionString);
        foreach (var trace in traces)
        {
            var stored = await storage.QueryColumnAsync("SELECT COUNT(*) FROM traces WHERE CAST(trace_id AS TEXT) = @t", ("t", (string)trace["trace_id"]!));
            Assert.Equal(1L, Convert.ToInt64(stored[0], CultureInfo.InvariantCulture));
        }
    }
}
