using System.Globalization;
using System.Net;
using Mentiora.Tests.Infrastructure;

using Mentiora.Harness.Postgres;

namespace Mentiora.Tests.Web;

/// <summary>When PostgreSQL goes away, ingestion says 503 with Retry-After, stores nothing half-way, and recovers by itself.</summary>
public sealed class StorageOutageTests
{
    [Fact]
    public async Task WhileTheDatabaseIsDownTracesGet503AndServiceResumesAfterwards()
    {
        // A server of its own: stopping the shared one would break the other tests.
        await using var server = await ThrowawayPostgres.StartAsync();
        var connectionString = await server.CreateDatabaseAsync("outage");
        var storage = await TestStorage.NewPostgresOnAsync(connectionString);
        await using var app = new MentioraApp(storage);
        var client = app.Start();
        var (_, key) = await IngestionAppFixture.NewKeyAsync(app);
        var before = TraceEvents.Valid();
        Assert.Equal(HttpStatusCode.Accepted, (await client.SendAsync(TraceEvents.Post(before, key.Key))).StatusCode);

        await server.StopAsync();
        var during = TraceEvents.Valid();
        var refused = await client.SendAsync(TraceEvents.Post(during, key.Key));
        await ApiAssert.Error(refused, HttpStatusCode.ServiceUnavailable, "unavailable");
        Assert.NotNull(refused.Headers.RetryAfter);

        await server.RestartAsync();
        var after = TraceEvents.Valid();
        var status = HttpStatusCode.ServiceUnavailable;
        for (var attempt = 0; attempt < 20 && status != HttpStatusCode.Accepted; attempt++)
        {
            // The SDKs retry 503 the same way: same event, after Retry-After.
            status = (await client.SendAsync(TraceEvents.Post(after, key.Key))).StatusCode;
            if (status != HttpStatusCode.Accepted)
            {
                await Task.Delay(500);
            }
        }

        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal(1L, await CountAsync(storage, before));
        Assert.Equal(0L, await CountAsync(storage, during));
        Assert.Equal(1L, await CountAsync(storage, after));
    }

    private static async Task<long> CountAsync(TestStorage storage, System.Text.Json.Nodes.JsonObject trace) =>
        Convert.ToInt64(
            (await storage.QueryColumnAsync("SELECT COUNT(*) FROM traces WHERE CAST(trace_id AS TEXT) = @t", ("t", (string)trace["trace_id"]!)))[0],
            CultureInfo.InvariantCulture);
}
