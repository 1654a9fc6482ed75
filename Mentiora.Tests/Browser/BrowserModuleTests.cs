using System.Text.Json;
using Mentiora.Tests.Infrastructure;
using Mentiora.Web.Api;
using Mentiora.Web.Sdk;
using Mentiora.Web.Traces;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Mentiora.Tests.Browser;

/// <summary>
/// A customer's page on another origin imports <c>/sdk/mentiora-browser.js</c> from Mentiora's URL
/// in a real Chromium and sends traces with a publishable key and its server's identity tokens:
/// an expired token is refreshed once, and failures come back as the SDKs' code and message.
/// </summary>
public sealed class BrowserModuleTests(BrowserFixture browser, BrowserModuleFixture mentiora)
    : IClassFixture<BrowserFixture>, IClassFixture<BrowserModuleFixture>, IAsyncLifetime
{
    private readonly ModuleCustomerSite _site = mentiora.Site;

    public Task InitializeAsync()
    {
        _site.Reset();
        return Task.CompletedTask;
    }

    // Every page, the customer's and Mentiora's module alike, without a Content-Security-Policy violation; no secret leaked.
    public async Task DisposeAsync()
    {
        browser.AssertNoPolicyViolations();
        await mentiora.App.AssertNoSecretsLeakedAsync();
    }

    [Fact]
    public async Task AnExpiredTokenIsRefreshedOnceAndTheTraceIsStoredWithItsEndUser()
    {
        var (page, posts) = await OpenSiteAsync();
        _site.ServeExpiredTokens(1);
        var trace = TraceEvents.Valid();

        var result = await SendAsync(page, "sendTrace", trace);

        Assert.True(result.GetProperty("ok").GetBoolean(), result.ToString());
        Assert.Equal((string)trace["span_id"]!, result.GetProperty("answer").GetProperty("span_id").GetString());
        Assert.Equal(2, _site.TokensServed);
        Assert.Equal(2, posts.Count);
        var stored = await StoredAsync(Guid.Parse((string)trace["span_id"]!));
        Assert.NotNull(stored);
        Assert.Equal("customer-42", stored.EndUserId);
        Assert.Equal("Ada Lovelace", stored.EndUserName);

        // The fresh token is kept: the next trace needs neither a token fetch nor a second attempt.
        Assert.True((await SendAsync(page, "sendTrace", TraceEvents.Valid())).GetProperty("ok").GetBoolean());
        Assert.Equal(2, _site.TokensServed);
        Assert.Equal(3, posts.Count);
    }

    [Fact]
    public async Task TracesSentTogetherWithAnExpiredTokenShareOneRefresh()
    {
        var (page, posts) = await OpenSiteAsync();
        _site.ServeExpiredTokens(1);
        var traces = new System.Text.Json.Nodes.JsonArray(TraceEvents.Valid(), TraceEvents.Valid());

        var results = await page.EvaluateAsync<JsonElement>(
            "json => Promise.all(JSON.parse(json).map(trace => window.sendTrace(trace)))", traces.ToJsonString());

        Assert.All(results.EnumerateArray(), result => Assert.True(result.GetProperty("ok").GetBoolean(), result.ToString()));
        Assert.Equal(2, _site.TokensServed);
        Assert.Equal(4, posts.Count);
    }

    [Fact]
    public async Task ATokenEndpointThatKeepsHandingOutExpiredTokensGetsOneRefreshAndThePageTheReason()
    {
        var (page, posts) = await OpenSiteAsync();
        _site.ServeExpiredTokens(int.MaxValue);
        var trace = TraceEvents.Valid();

        var result = await SendAsync(page, "sendTrace", trace);

        Assert.False(result.GetProperty("ok").GetBoolean());
        Assert.Equal("MentioraError", result.GetProperty("name").GetString());
        Assert.Equal(401, result.GetProperty("status").GetInt32());
        Assert.Equal("identity_token_expired", result.GetProperty("code").GetString());
        Assert.Equal(ApiErrors.IdentityTokenExpired().Message, result.GetProperty("message").GetString());
        Assert.Equal(2, _site.TokensServed);
        Assert.Equal(2, posts.Count);
        Assert.Null(await StoredAsync(Guid.Parse((string)trace["span_id"]!)));
    }

    [Fact]
    public async Task AnotherRefusalIsNeitherRefreshedNorRetried()
    {
        var (page, posts) = await OpenSiteAsync();
        var trace = TraceEvents.Valid();
        trace["trace_id"] = "not-a-uuid";

        var result = await SendAsync(page, "sendTrace", trace);

        Assert.False(result.GetProperty("ok").GetBoolean());
        Assert.Equal(400, result.GetProperty("status").GetInt32());
        Assert.Equal("invalid_trace", result.GetProperty("code").GetString());
        Assert.Contains("trace_id", result.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, _site.TokensServed);
        Assert.Single(posts);
    }

    [Fact]
    public async Task ServerErrorsAreRetriedOnTheSdksScheduleIgnoringTheirRetryAfter()
    {
        var (page, _) = await OpenSiteAsync();
        _site.ScriptStandInAnswers((503, "unavailable", "0"), (500, "internal_error", "0"));

        var result = await SendAsync(page, "sendTraceToStandIn", TraceEvents.Valid());

        Assert.True(result.GetProperty("ok").GetBoolean(), result.ToString());
        var times = _site.StandInRequests;
        Assert.Equal(3, times.Count);
        Assert.InRange(times[1] - times[0], TimeSpan.Zero, TimeSpan.FromSeconds(1.5));
        Assert.InRange(times[2] - times[1], TimeSpan.FromSeconds(1.9), TimeSpan.FromSeconds(3.5));
    }

    [Fact]
    public async Task TooManyRequestsWaitsAsLongAsRetryAfterSays()
    {
        var (page, _) = await OpenSiteAsync();
        _site.ScriptStandInAnswers((503, "unavailable", null), (429, "rate_limited", "0"));

        var result = await SendAsync(page, "sendTraceToStandIn", TraceEvents.Valid());

        // The schedule alone would wait 2 s before the third attempt; Retry-After: 0 says go now.
        Assert.True(result.GetProperty("ok").GetBoolean(), result.ToString());
        var times = _site.StandInRequests;
        Assert.Equal(3, times.Count);
        Assert.InRange(times[2] - times[1], TimeSpan.Zero, TimeSpan.FromSeconds(1.6));
    }

    [Fact]
    public async Task AfterThreeRetriesTheLastErrorReachesThePage()
    {
        var (page, _) = await OpenSiteAsync();
        _site.ScriptStandInAnswers((503, "unavailable", "1"), (503, "unavailable", "1"), (503, "unavailable", "1"), (503, "unavailable", "1"));

        var result = await SendAsync(page, "sendTraceToStandIn", TraceEvents.Valid());

        Assert.False(result.GetProperty("ok").GetBoolean());
        Assert.Equal("unavailable", result.GetProperty("code").GetString());
        Assert.Equal("Scripted unavailable.", result.GetProperty("message").GetString());
        Assert.Equal(4, _site.StandInRequests.Count);
    }

    // The page, once its module has loaded from Mentiora, and the trace POSTs it sends there.
    private async Task<(IPage Page, List<string> Posts)> OpenSiteAsync()
    {
        var page = await browser.NewPageAsync(_site.Origin);
        var posts = new List<string>();
        var traces = mentiora.Mentiora.GetLeftPart(UriPartial.Authority) + "/api/v1/traces";
        page.Request += (_, request) =>
        {
            if (request.Method == "POST" && request.Url == traces)
            {
                lock (posts)
                {
                    posts.Add(request.Url);
                }
            }
        };
        await page.GotoAsync("/");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Customer app" })).ToBeVisibleAsync();
        await page.WaitForFunctionAsync("() => window.mentioraModuleVersion !== undefined");
        Assert.Equal(BrowserSdkFile.Version, await page.EvaluateAsync<string>("() => window.mentioraModuleVersion"));
        return (page, posts);
    }

    private static Task<JsonElement> SendAsync(IPage page, string function, System.Text.Json.Nodes.JsonObject trace) =>
        page.EvaluateAsync<JsonElement>($"json => window.{function}(JSON.parse(json))", trace.ToJsonString());

    private async Task<TraceRow?> StoredAsync(Guid spanId)
    {
        var reader = mentiora.App.Services.GetRequiredService<TraceReader>();
        var (rows, _) = await reader.ListAsync(mentiora.ProjectId, new TraceFilter(null, null, null), null, 100, CancellationToken.None);
        return rows.SingleOrDefault(row => row.SpanId == spanId);
    }
}
