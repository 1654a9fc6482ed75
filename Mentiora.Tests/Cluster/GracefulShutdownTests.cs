using System.Diagnostics;
using System.Net;
using Mentiora.Harness.Processes;
using Mentiora.Harness.Silos;
using Mentiora.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Mentiora.Tests.Cluster;

/// <summary>
/// A silo asked to stop (SIGTERM, as an orchestrator or a rolling deploy does) first leaves the load
/// balancer's rotation while it still serves, then stops by itself.
/// </summary>
public sealed class GracefulShutdownTests(ITestOutputHelper output)
{
    // Shutdown:DrainSeconds' default.
    private static readonly TimeSpan Drain = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task AStoppingSiloAnswersNotReadyButStillAcceptsTracesThenExitsCleanly()
    {
        var connectionString = await (await SharedPostgres.GetAsync()).CreateDatabaseAsync("drain");
        await using var silo = await SiloProcess.StartAsync(SecretWatchedSilos.Watch(new SiloOptions
        {
            Name = "A",
            ConnectionString = connectionString,
            ClusterId = $"drain-{Guid.NewGuid():N}",
        }));
        var dashboard = DashboardClient.Using(silo.CreateClient());
        var projectId = await dashboard.SignUpAsync();
        var key = await dashboard.CreateApiKeyAsync(projectId, "Production");
        using var api = silo.CreateClient();
        using (var before = await api.SendAsync(TraceEvents.Post(TraceEvents.Valid(), key)))
        {
            Assert.Equal(HttpStatusCode.Accepted, before.StatusCode);
        }

        var clock = Stopwatch.StartNew();
        ProcessAlive.Signal(silo.ProcessId, "TERM");
        var notReadyAfter = await UntilNotReadyAsync(api);
        output.WriteLine($"/readyz answered 503 {notReadyAfter.TotalMilliseconds:0} ms after SIGTERM");

        var during = TraceEvents.Valid();
        using (var accepted = await api.SendAsync(TraceEvents.Post(during, key)))
        {
            Assert.True(clock.Elapsed < Drain, $"the trace was sent {clock.Elapsed} after SIGTERM, after the drain: the test machine is too slow to tell");
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);

            // nginx's kept-alive connection goes with this answer, so its next request finds another silo.
            Assert.True(accepted.Headers.ConnectionClose, "an answer during the drain carries Connection: close");
        }

        var deadline = Stopwatch.StartNew();
        while (!silo.HasExited && deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(100);
        }

        Assert.True(silo.HasExited, $"the silo should stop by itself after SIGTERM.\n{silo.OutputTail()}");
        output.WriteLine($"the silo exited {clock.Elapsed.TotalSeconds:0.0} s after SIGTERM");
        Assert.True(silo.ExitCode == 0, $"the silo should exit cleanly.\n{silo.OutputTail()}");
        Assert.True(clock.Elapsed >= Drain, $"the silo stopped {clock.Elapsed} after SIGTERM, before its drain was over");
        Assert.Contains(silo.OutputLines(), line => line.Contains("Stopping: draining for", StringComparison.Ordinal));
        Assert.Contains(silo.OutputLines(), line => line.Contains("Drain over", StringComparison.Ordinal));
        Assert.DoesNotContain(silo.OutputLines(), line => line.Contains("crit:", StringComparison.Ordinal) || line.Contains("fail:", StringComparison.Ordinal));

        var storage = await TestStorage.NewPostgresOnAsync(connectionString);
        var stored = await storage.QueryColumnAsync("SELECT COUNT(*) FROM traces WHERE CAST(trace_id AS TEXT) = @t", ("t", (string)during["trace_id"]!));
        Assert.Equal(1L, Convert.ToInt64(stored[0], System.Globalization.CultureInfo.InvariantCulture));
    }

    private static async Task<TimeSpan> UntilNotReadyAsync(HttpClient api)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            using var ready = await api.GetAsync("/readyz");
            if (ready.StatusCode == HttpStatusCode.ServiceUnavailable)
            {
                Assert.Contains("drain: Unhealthy: The silo is shutting down.", await ready.Content.ReadAsStringAsync());
                return waited.Elapsed;
            }

            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(2), $"/readyz still answers {(int)ready.StatusCode} {waited.Elapsed} after SIGTERM");
            await Task.Delay(20);
        }
    }
}
