using System.Net;
using Mentiora.Bench.Dashboard;
using Mentiora.Tests.Infrastructure;

namespace Mentiora.Tests.Bench;

/// <summary>The benchmark makes its key as a person does, by reading the dashboard's pages; a change to them must not leave it without one.</summary>
public sealed class BenchmarkKeyMakerTests
{
    [Fact]
    public async Task TheBenchmarkSignsUpAndCreatesThroughTheDashboardAKeyThatTheIngestionApiAccepts()
    {
        await using var app = new MentioraApp(TestStorage.NewEmbedded());
        var client = app.Start();

        var key = await DashboardKeyMaker.CreateKeyAsync(client.BaseAddress!);

        using var answer = await client.SendAsync(TraceEvents.Post(TraceEvents.Valid(), key));
        Assert.Equal(HttpStatusCode.Accepted, answer.StatusCode);
    }
}
