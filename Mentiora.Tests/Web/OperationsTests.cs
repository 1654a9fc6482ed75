using System.Net;
using Mentiora.Grains.Accounts;
using Mentiora.Grains.Secrets;
using Mentiora.Harness.Postgres;
using Mentiora.Tests.Infrastructure;

namespace Mentiora.Tests.Web;

/// <summary>What operators and load balancers rely on: health, readiness, metrics, logs and the Orleans dashboard.</summary>
public sealed class OperationsTests : IAsyncLifetime
{
    private readonly MentioraApp _app = new(TestStorage.NewEmbedded());
    private HttpClient _client = null!;

    public Task InitializeAsync()
    {
        _client = _app.Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task HealthAndReadinessAnswerForLoadBalancers()
    {
        var health = await _client.GetAsync("/healthz");
        var ready = await _client.GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", await ready.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ADatabaseOutageLeavesTheSiloReadyAndReadinessSaysWhy()
    {
        // Every silo shares the database: failing readiness would take all of them out of rotation at
        // once, while they can still hold trace requests until it is back.
        await using var server = await ThrowawayPostgres.StartAsync();
        var storage = await TestStorage.NewPostgresOnAsync(await server.CreateDatabaseAsync("readiness"));
        await using var app = new MentioraApp(storage);
        var client = app.Start();
        Assert.Equal("Healthy", await client.GetStringAsync("/readyz"));

        await server.StopAsync();
        var ready = await client.GetAsync("/readyz");
        var body = await ready.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.StartsWith("Degraded", body);
        Assert.Contains("database: Degraded: The database does not answer", body);
        await server.RestartAsync();
    }

    [Fact]
    public async Task MetricsCountAcceptedAndRefusedTracesInPrometheusFormat()
    {
        var (_, key) = await IngestionAppFixture.NewKeyAsync(_app);
        Assert.Equal(HttpStatusCode.Accepted, (await _client.SendAsync(TraceEvents.Post(TraceEvents.Valid(), key.Key))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await _client.SendAsync(TraceEvents.Post("{", key.Key))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _client.SendAsync(TraceEvents.Post(TraceEvents.Valid(), key.Summary.Prefix))).StatusCode);

        using var prometheus = new HttpClient { BaseAddress = _app.MetricsAddress };
        var metrics = await prometheus.GetStringAsync("/metrics");

        Assert.Matches(@"mentiora_traces_accepted(_total)?\{[^}]*\} [1-9]", metrics);
        Assert.Matches(@"mentiora_traces_refused(_total)?\{[^}]*reason=""invalid_json""[^}]*\} [1-9]", metrics);
        Assert.Matches(@"mentiora_auth_failures(_total)?\{[^}]*reason=""invalid_api_key""[^}]*\} [1-9]", metrics);
        Assert.Contains("mentiora_trace_writer_batch_size", metrics);
        Assert.Contains("mentiora_trace_writer_queue_depth", metrics);
    }

    [Theory]
    [InlineData("/metrics")]
    [InlineData("/METRICS")]
    [InlineData("/metrics/")]
    public async Task TheWebPortServesNoMetricsInAnySpelling(string path)
    {
        var answer = await _client.GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, answer.StatusCode);
        Assert.DoesNotContain("mentiora_", await answer.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ARefusedTraceIsLoggedWithProjectAndKeyPrefixButNeverTheKey()
    {
        var (projectId, key) = await IngestionAppFixture.NewKeyAsync(_app);

        await _client.SendAsync(TraceEvents.Post("""{"name": 1}""", key.Key));

        var line = Assert.Single(_app.Logs.GetSnapshot(), r => r.Message.Contains("Refused a trace", StringComparison.Ordinal) && r.Message.Contains(projectId.ToString(), StringComparison.Ordinal));
        Assert.Contains(key.Summary.Prefix, line.Message);
        Assert.Contains("invalid_trace", line.Message);
        Assert.DoesNotContain(key.Key, line.Message);
    }

    [Fact]
    public async Task TheOrleansDashboardIsOnlyForTheAccountsNamedByIdAndItsLiveLogIsOff()
    {
        // Operators are named by account id, which exists only once the account does: the operator signs up first, then
        // the operator's id is configured and the app restarted.
        var storage = TestStorage.NewEmbedded();
        var operatorEmail = DashboardClient.NewEmail();
        string operatorId;
        await using (var first = new MentioraApp(storage))
        {
            var newcomer = new DashboardClient(first);
            await newcomer.SignUpAsync(operatorEmail);
            operatorId = DashboardHtml.AccountId(await newcomer.GetPageAsync("/account"));
        }

        await using var app = new MentioraApp(storage, new Dictionary<string, string?> { ["Operators:AccountIds"] = $" acct_someoneelse0000000000, {operatorId} " });
        var anonymous = await new DashboardClient(app).Http.GetAsync("/ops/orleans/");
        Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
        Assert.StartsWith("/signin", anonymous.Headers.Location!.PathAndQuery);

        var developer = new DashboardClient(app);
        await developer.SignUpAsync();
        var refused = await developer.Http.GetAsync("/ops/orleans/");
        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        Assert.Contains("No access", await developer.GetPageAsync(refused.Headers.Location!.PathAndQuery));

        var operatorBrowser = new DashboardClient(app);
        await operatorBrowser.GetPageAsync("/signin");
        await operatorBrowser.PostFormAsync("/signin", new() { ["Email"] = operatorEmail, ["Password"] = DashboardClient.Password });
        var dashboard = await operatorBrowser.Http.GetAsync("/ops/orleans/");
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        Assert.Contains("Orleans Dashboard", await dashboard.Content.ReadAsStringAsync());

        // The live log would stream every tenant's log lines; even an operator gets none.
        using var trace = await operatorBrowser.Http.GetAsync("/ops/orleans/Trace", HttpCompletionOption.ResponseHeadersRead);
        var traceBody = await trace.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.Forbidden, trace.StatusCode);
        Assert.Contains("The trace endpoint is disabled", traceBody);
    }
}
