using System.Net;
using System.Net.Sockets;
using System.Text;
using Mentiora.Harness.Clusters;
using Mentiora.Tests.Infrastructure;

namespace Mentiora.Tests.Cluster;

/// <summary>
/// /metrics is one silo's numbers and not for the public: through the load balancer no spelling of the path reaches
/// them, because they are served on a port of the silo's own that nginx never proxies.
/// </summary>
public sealed class MetricsExposureTests
{
    // Spellings a router might take for /metrics while a path rule in the balancer does not: case, a trailing or doubled
    // slash, percent-encoding, dot segments, a query, a matrix parameter.
    private static readonly string[] Spellings =
    [
        "/metrics", "/METRICS", "/Metrics", "/metrics/", "//metrics", "/%6detrics", "/%6Detrics", "/metric%73",
        "/./metrics", "/api/../metrics", "/metrics?x=1", "/metrics;x", "/metrics%2F", "/metrics.",
    ];

    [Fact]
    public async Task NoSpellingOfMetricsReachesThemThroughNginxWhileTheSiloMetricsPortServesThem()
    {
        await using var cluster = await TestClusters.StartAsync(new ClusterOptions
        {
            Silos = 1,
            Nginx = true,
            ConnectionString = await (await SharedPostgres.GetAsync()).CreateDatabaseAsync("cluster"),
        });

        foreach (var path in Spellings)
        {
            var (status, body) = await RawGetAsync(cluster.Url, path);
            Assert.True(status == 404, $"GET {path} through nginx answered {status}, not 404");
            Assert.DoesNotContain("# TYPE", body);
        }

        // The harness gives its silos the cluster's certificates, so neither says at start that something is in clear.
        Assert.DoesNotContain(cluster.Silos[0].OutputLines(), line => line.Contains("is not encrypted", StringComparison.Ordinal) || line.Contains("stored unencrypted", StringComparison.Ordinal));

        using var prometheus = new HttpClient { BaseAddress = cluster.SiloMetricsUrls[0] };
        var metrics = await prometheus.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        Assert.StartsWith("text/plain", metrics.Content.Headers.ContentType?.MediaType);
        Assert.Contains("# TYPE mentiora_trace_writer_queue_depth", await metrics.Content.ReadAsStringAsync());
    }

    // The request line exactly as written: HttpClient would tidy dot segments and escapes before sending.
    private static async Task<(int Status, string Body)> RawGetAsync(Uri server, string path)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(server.Host, server.Port);
        await using var stream = tcp.GetStream();
        var request = Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: {server.Authority}\r\nConnection: close\r\n\r\n");
        await stream.WriteAsync(request);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var answer = await reader.ReadToEndAsync(timeout.Token);
        var statusLine = answer[..answer.IndexOf('\r', StringComparison.Ordinal)];
        return (int.Parse(statusLine.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture), answer);
    }
}
