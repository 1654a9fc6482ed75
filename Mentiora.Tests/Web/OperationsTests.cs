using System.Net;
using Mentiora.Grains.Accounts;
using Mentiora.Grains.Secrets;
using Mentiora.Harness.Postgres;
using Mentiora.Tests.Infrastructure;

namespace Mentiora.Tests.Web;

/// <summary>What operators and load balancers rely on: health, readiness, metrics, logs and the Orleans dashboard.</summary>
public sealed class OperationsTests : IAsyncLifetime
{
    private const string Operator = "ops@example.com";
    private readonly MentioraApp _app = new(TestStorage.NewEmbedded(), new Dictionary<string, string?> { ["Operators:Emails"] = $" someone@example.com, {Operator.ToUpperInvariant()} " });
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

        var metrics = await _client.GetStringAsync("/metrics");

        Assert.Matches(@"mentiora_traces_accepted(_total)?\{[^}]*\} [1-9]", metrics);
        Assert.Matches(@"mentiora_traces_refused(_total)?\{[^}]*reason=""invalid_json""[^}]*\} [1-9]", metrics);
        Assert.Matches(@"mentiora_auth_failures(_total)?\{[^}]*reason=""invalid_api_key""[^}]*\} [1-9]", metrics);
        Assert.Contains("mentiora_trace_writer_batch_size", metrics);
        Assert.Contains("mentiora_trace_writer_queue_depth", metrics);
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
    public async Task TheOrleansDashboardIsOnlyForOperators()
    {
        var anonymous = await new DashboardClient(_app).Http.GetAsync("/ops/orleans/");
        Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
        Assert.StartsWith("/signin", anonymous.Headers.Location!.PathAndQuery);

        var developer = new DashboardClient(_app);
        await developer.SignUpAsync();
        var refused = await developer.Http.GetAsync("/ops/orleans/");
        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        Assert.Contains("No access", await developer.GetPageAsync(refused.Headers.Location!.PathAndQuery));

        await _app.Grains.GetGrain<IUserGrain>(Operator).SignUp(Operator, new SecretText(DashboardClient.Password));
        var operatorBrowser = new DashboardClient(_app);
        await operatorBrowser.GetPageAsync("/signin");
        await operatorBrowser.PostFormAsync("/signin", new() { ["Email"] = Operator, ["Password"] = DashboardClient.Password });
        var dashboard = await operatorBrowser.Http.GetAsync("/ops/orleans/");
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        Assert.Contains("Orleans Dashboard", await dashboard.Content.ReadAsStringAsync());
    }
}
