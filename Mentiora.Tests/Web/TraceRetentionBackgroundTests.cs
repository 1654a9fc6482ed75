using System.Globalization;
using System.Net;
using Mentiora.Grains.Projects;
using Mentiora.Tests.Infrastructure;

namespace Mentiora.Tests.Web;

/// <summary>The retention sweep runs by itself, on its own schedule, when it is not switched off.</summary>
public sealed class TraceRetentionBackgroundTests
{
    [Fact]
    public async Task WithSweepsEveryFewSecondsAnOldTraceIsRemovedWithoutAnyoneAsking()
    {
        await using var app = new MentioraApp(TestStorage.NewEmbedded(), new Dictionary<string, string?> { ["Traces:Retention:SweepMinutes"] = "0.02" });
        var http = app.Start();
        var project = await app.NewProjectAsync();
        Assert.Equal(TraceRetentionOutcome.Changed, await project.SetTraceRetention(MentioraApp.Owner, 7));
        var key = new RevealedApiKey((await project.CreateApiKey(MentioraApp.Owner, "Production")).Created!).Key;
        var old = TraceEvents.Valid();
        old["start_time"] = DateTimeOffset.UtcNow.AddDays(-8).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        old.Remove("end_time");
        Assert.Equal(HttpStatusCode.Accepted, (await http.SendAsync(TraceEvents.Post(old, key))).StatusCode);
        await TraceSummaryBackfill.RunAsync(app.Storage);
        var projectId = project.GetPrimaryKey().ToString();

        var deadline = DateTime.UtcNow.AddSeconds(30);
        long left;
        do
        {
            await Task.Delay(250);
            left = Convert.ToInt64((await app.Storage.QueryColumnAsync("SELECT count(*) FROM traces WHERE project_id = @p", ("p", projectId)))[0], CultureInfo.InvariantCulture);
        }
        while (left > 0 && DateTime.UtcNow < deadline);

        Assert.Equal(0, left);
        Assert.Empty(await app.Storage.QueryColumnAsync("SELECT trace_id FROM trace_summaries WHERE project_id = @p", ("p", projectId)));
    }
}
