using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Mentiora.Tests.Infrastructure;
using Npgsql;

namespace Mentiora.Tests.Web;

/// <summary>The key check on the hot path answers from grain memory: no database round trip per request.</summary>
public sealed class HotPathTests
{
    [Fact]
    public async Task CheckingAKeyMakesNoDatabaseQuery()
    {
        var storage = await TestStorage.NewPostgresAsync();
        var database = new NpgsqlConnectionStringBuilder(storage.ConnectionString).Database;
        await using var app = new MentioraApp(storage);
        var client = app.Start();
        var (_, key) = await IngestionAppFixture.NewKeyAsync(app);
        const string AuthenticatedButInvalid = """{"name": 1}""";
        Assert.Equal(HttpStatusCode.BadRequest, (await client.SendAsync(TraceEvents.Post(AuthenticatedButInvalid, key.Key))).StatusCode);

        // Every query this app's database sees, from Npgsql's own tracing; cluster heartbeats aside.
        var queries = new ConcurrentQueue<string>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Npgsql",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = activity =>
            {
                var text = activity.GetTagItem("db.query.text") as string ?? activity.DisplayName;
                if (activity.GetTagItem("db.namespace") as string == database && !text.Contains("membership", StringComparison.OrdinalIgnoreCase))
                {
                    queries.Enqueue(text);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);

        for (var i = 0; i < 50; i++)
        {
            Assert.Equal(HttpStatusCode.BadRequest, (await client.SendAsync(TraceEvents.Post(AuthenticatedButInvalid, key.Key))).StatusCode);
        }

        Assert.Empty(queries);

        // The listener does see this database: storing a trace is one write.
        Assert.Equal(HttpStatusCode.Accepted, (await client.SendAsync(TraceEvents.Post(TraceEvents.Valid(), key.Key))).StatusCode);
        Assert.Contains(queries, q => q.Contains("traces", StringComparison.OrdinalIgnoreCase));
    }
}
