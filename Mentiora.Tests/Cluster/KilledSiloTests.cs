using System.Diagnostics;
using System.Net;
using Mentiora.Harness.Silos;
using Mentiora.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Mentiora.Tests.Cluster;

/// <summary>What a client sees when the silo that held its key's grains dies: a slower answer, not a refusal.</summary>
public sealed class KilledSiloTests(ITestOutputHelper output)
{
    [Fact]
    public async Task TheFirstTraceAfterItsKeysSiloWasKilledIsAcceptedOnceTheOtherSiloTakesOver()
    {
        string? key = null;

        // Made while A is the only silo, so the key's directory and project grains are sure to live on A.
        await using var cluster = await TestClusters.StartTwoSilosAsync(async a =>
        {
            var browser = DashboardClient.Using(a.CreateClient());
            key = await browser.CreateApiKeyAsync(await browser.SignUpAsync(), "Production");
        });
        using var apiOnB = cluster.Silos[1].CreateClient();

        // B has used the key, so it knows the grains are on A and its cache names the key's project.
        using (var before = await apiOnB.SendAsync(TraceEvents.Post(TraceEvents.Valid(), key!)))
        {
            Assert.Equal(HttpStatusCode.Accepted, before.StatusCode);
        }

        var sinceKill = Stopwatch.StartNew();
        cluster.Silos[0].Kill();
        using var first = await apiOnB.SendAsync(TraceEvents.Post(TraceEvents.Valid(), key!));
        var answeredAfter = sinceKill.Elapsed;
        output.WriteLine($"{DateTime.Now:HH:mm:ss.fff} B answered the first trace after A's kill with {(int)first.StatusCode} after {answeredAfter.TotalSeconds:0.00} s");
        foreach (var line in cluster.Silos[1].OutputLines().Where(l => l.Contains("was retried", StringComparison.Ordinal) || l.Contains("MembershipTableManager", StringComparison.Ordinal)))
        {
            output.WriteLine($"B: {line}");
        }

        // The SDKs give up about 3.5 s after a first 503; held inside the request, the trace is not lost.
        Assert.True(first.StatusCode == HttpStatusCode.Accepted,
            $"B answered {(int)first.StatusCode} {await first.Content.ReadAsStringAsync()}.\n{cluster.Silos[1].OutputTail()}");
        Assert.Contains(cluster.Silos[1].OutputLines(), line => line.Contains("because its silo was unavailable", StringComparison.Ordinal));
    }
}
