using System.Diagnostics;
using System.Globalization;
using System.Net;
using Mentiora.Harness.Postgres;
using Mentiora.Tests.Infrastructure;
using Mentiora.Web.Traces;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace Mentiora.Tests.Web;

/// <summary>
/// When PostgreSQL goes away briefly, a trace request waits for it and is stored once it is back;
/// when it stays away longer than the ride-through, the request gets 503 with Retry-After and
/// nothing of it is stored.
/// </summary>
public sealed class StorageOutageTests(ITestOutputHelper output)
{
    [Fact]
    public async Task ATraceSentWhileTheDatabaseRestartsWaitsAndIsStoredOnceWhenItIsBack()
    {
        // A server of its own: stopping the shared one would break the other tests.
        await using var server = await ThrowawayPostgres.StartAsync();
        var storage = await TestStorage.NewPostgresOnAsync(await server.CreateDatabaseAsync("outage"));
        await using var app = new MentioraApp(storage);
        var client = app.Start();
        var (_, key) = await IngestionAppFixture.NewKeyAsync(app);
        var before = TraceEvents.Valid();
        Assert.Equal(HttpStatusCode.Accepted, (await client.SendAsync(TraceEvents.Post(before, key.Key))).StatusCode);

        await server.StopAsync();
        var during = TraceEvents.Valid();
        var sentAt = Stopwatch.StartNew();
        var answer = client.SendAsync(TraceEvents.Post(during, key.Key));
        await Task.Delay(TimeSpan.FromSeconds(4));
        Assert.False(answer.IsCompleted, "the trace was answered while the database was down instead of waiting for it");
        await server.RestartAsync();

        var response = await answer.WaitAsync(TimeSpan.FromSeconds(20));
        output.WriteLine($"the trace sent while PostgreSQL was down was answered {(int)response.StatusCode} after {sentAt.Elapsed.TotalSeconds:0.0} s");
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);

        // Stored once, and the connections the restart broke cost the next request nothing.
        var after = TraceEvents.Valid();
        Assert.Equal(HttpStatusCode.Accepted, (await client.SendAsync(TraceEvents.Post(after, key.Key))).StatusCode);
        Assert.Equal(1L, await CountAsync(storage, before));
        Assert.Equal(1L, await CountAsync(storage, during));
        Assert.Equal(1L, await CountAsync(storage, after));
        ReportWriterLines(app);
    }

    [Fact]
    public async Task ATraceSentWhileTheDatabaseStaysDownPastTheRideThroughGets503WithRetryAfterAndIsNotStored()
    {
        await using var server = await ThrowawayPostgres.StartAsync();
        var storage = await TestStorage.NewPostgresOnAsync(await server.CreateDatabaseAsync("outage"));
        await using var app = new MentioraApp(storage, new Dictionary<string, string?> { ["Traces:RideThroughSeconds"] = "2" });
        var client = app.Start();
        var (_, key) = await IngestionAppFixture.NewKeyAsync(app);
        var before = TraceEvents.Valid();
        Assert.Equal(HttpStatusCode.Accepted, (await client.SendAsync(TraceEvents.Post(before, key.Key))).StatusCode);

        await server.StopAsync();
        var during = TraceEvents.Valid();
        var sentAt = Stopwatch.StartNew();
        var refused = await client.SendAsync(TraceEvents.Post(during, key.Key));
        var waited = sentAt.Elapsed;

        output.WriteLine($"the trace sent while PostgreSQL stayed down was answered {(int)refused.StatusCode} after {waited.TotalSeconds:0.0} s");
        await ApiAssert.Error(refused, HttpStatusCode.ServiceUnavailable, "unavailable");
        Assert.NotNull(refused.Headers.RetryAfter);
        Assert.InRange(waited, TimeSpan.FromSeconds(1.9), TimeSpan.FromSeconds(5));

        await server.RestartAsync();
        var after = TraceEvents.Valid();
        Assert.Equal(HttpStatusCode.Accepted, (await client.SendAsync(TraceEvents.Post(after, key.Key))).StatusCode);
        Assert.Equal(1L, await CountAsync(storage, before));
        Assert.Equal(0L, await CountAsync(storage, during));
        Assert.Equal(1L, await CountAsync(storage, after));
        ReportWriterLines(app);
    }

    // What the operator read, errors included: shows which errors the database's going away raised.
    private void ReportWriterLines(MentioraApp app)
    {
        foreach (var line in app.Logs.GetSnapshot().Where(l => l.Category == typeof(TraceWriter).FullName && l.Level >= LogLevel.Debug))
        {
            output.WriteLine($"{line.Level}: {line.Message} {line.Exception?.GetType().Name}");
        }
    }

    private static async Task<long> CountAsync(TestStorage storage, System.Text.Json.Nodes.JsonObject trace) =>
        Convert.ToInt64(
            (await storage.QueryColumnAsync("SELECT COUNT(*) FROM traces WHERE CAST(trace_id AS TEXT) = @t", ("t", (string)trace["trace_id"]!)))[0],
            CultureInfo.InvariantCulture);
}
