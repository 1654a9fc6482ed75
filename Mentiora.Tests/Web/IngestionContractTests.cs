using System.Net;
using System.Text.Json.Nodes;
using Mentiora.Grains.Projects;
using Mentiora.Tests.Infrastructure;

namespace Mentiora.Tests.Web;

/// <summary>
/// Every row of the ingestion contract (DESIGN §3.1) with real HTTP requests to a real Kestrel
/// port; the same tests run on the embedded default and on PostgreSQL.
/// </summary>
public abstract class IngestionContractTests(IngestionAppFixture fixture) : LeakCheckedTests(fixture.App)
{
    private HttpClient Client => fixture.Client;

    [Fact]
    public async Task AnSdkShapedTraceIsAcceptedAndLandsInTheTable()
    {
        var (projectId, key) = await fixture.NewKeyAsync();
        var trace = TraceEvents.Valid();

        var response = await Client.SendAsync(TraceEvents.Post(trace, key.Key));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.True((bool)body["success"]!);
        Assert.Equal((string?)trace["trace_id"], (string?)body["trace_id"]);
        Assert.Equal((string?)trace["span_id"], (string?)body["span_id"]);

        var row = await fixture.StoredTraceAsync((string)trace["span_id"]!);
        Assert.Equal(projectId.ToString(), row["project_id"]);
        Assert.Equal(key.Summary.Id.ToString(), row["key_id"]);
        Assert.Equal((string?)trace["trace_id"], row["trace_id"]);
        Assert.Equal((string?)trace["thread_id"], row["thread_id"]);
        Assert.Null(row["parent_span_id"]);
        Assert.Equal("chat.completions.create", row["name"]);
        Assert.Equal("llm", row["type"]);
        Assert.Equal("gpt-4o-mini", row["model"]);
        Assert.Equal("openai", row["provider"]);
        Assert.Equal("1250", row["duration_ms"]);
        Assert.Equal("12", row["prompt_tokens"]);
        Assert.Equal("3", row["completion_tokens"]);
        Assert.Equal("15", row["total_tokens"]);
        Assert.Contains("geography", row["tags"]);
        Assert.StartsWith(((string)trace["start_time"]!)[..10], row["start_time"]);
        Assert.NotNull(row["received_at"]);

        // The whole event is kept, including a field the contract does not know.
        var stored = JsonNode.Parse(row["event"]!)!;
        Assert.Equal("1.4.0", (string?)stored["sdk_version"]);
        Assert.Equal("Paris.", (string?)stored["output"]!["content"]);
    }

    [Fact]
    public async Task TagsAreStoredExactlyEvenWithQuotesBackslashesAndBraces()
    {
        var (_, key) = await fixture.NewKeyAsync();
        string[] tags = ["plain", "with \"quotes\"", "back\\slash", "{braces}", "comma,inside", "", "NULL", " spaced ", "ünïcødé 🚀"];
        var trace = TraceEvents.Valid();
        trace["tags"] = new JsonArray(tags.Select(t => (JsonNode?)JsonValue.Create(t)).ToArray());

        var response = await Client.SendAsync(TraceEvents.Post(trace, key.Key));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var row = await fixture.StoredTraceAsync((string)trace["span_id"]!);
        Assert.Equal(tags, System.Text.Json.JsonSerializer.Deserialize<string[]>(row["tags"]!));
    }

    [Fact]
    public async Task AMinimalTraceIsAccepted()
    {
        var (_, key) = await fixture.NewKeyAsync();
        var trace = new JsonObject
        {
            ["trace_id"] = Guid.CreateVersion7().ToString(),
            ["span_id"] = Guid.CreateVersion7().ToString(),
            ["name"] = "tool call",
            ["type"] = "tool",
            ["start_time"] = "2025-06-01T12:00:00+02:00",
        };

        var response = await Client.SendAsync(TraceEvents.Post(trace, key.Key));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var row = await fixture.StoredTraceAsync((string)trace["span_id"]!);
        Assert.StartsWith(((string)trace["start_time"]!)[..10], row["start_time"]);
        Assert.Contains("10:00:00", row["start_time"]);
        Assert.Null(row["model"]);
    }

    [Fact]
    public async Task ARequestWithoutAKeyIsRefusedWithMissingApiKey()
    {
        var response = await Client.SendAsync(TraceEvents.Post(TraceEvents.Valid(), key: null));

        await ApiAssert.Error(response, HttpStatusCode.Unauthorized, "missing_api_key");
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Fact]
    public async Task AnotherAuthorizationSchemeIsRefusedWithMissingApiKey()
    {
        var request = TraceEvents.Post(TraceEvents.Valid(), key: null);
        request.Headers.TryAddWithoutValidation("Authorization", "Basic dXNlcjpwYXNz");

        var response = await Client.SendAsync(request);

        var error = await ApiAssert.Error(response, HttpStatusCode.Unauthorized, "missing_api_key");
        Assert.Contains("Bearer", (string?)error["message"]);
    }

    [Fact]
    public async Task AnUnknownKeyIsRefusedWithInvalidApiKey()
    {
        var response = await Client.SendAsync(TraceEvents.Post(TraceEvents.Valid(), Mentiora.Grains.Keys.ApiKeyMaterial.NewSecretKey()));

        await ApiAssert.Error(response, HttpStatusCode.Unauthorized, "invalid_api_key");
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Fact]
    public async Task SendingTheEightCharacterPrefixExplainsThatItIsNotTheKey()
    {
        var (_, key) = await fixture.NewKeyAsync();

        var response = await Client.SendAsync(TraceEvents.Post(TraceEvents.Valid(), key.Summary.Prefix));

        var error = await ApiAssert.Error(response, HttpStatusCode.Unauthorized, "invalid_api_key");
        Assert.Contains("prefix shown in the list, not the key", (string?)error["message"]);
    }

    [Fact]
    public async Task AKeyWithWhitespaceInsideSaysSo()
    {
        var (_, key) = await fixture.NewKeyAsync();

        var response = await Client.SendAsync(TraceEvents.Post(TraceEvents.Valid(), key.Key[..20] + " " + key.Key[20..]));

        var error = await ApiAssert.Error(response, HttpStatusCode.Unauthorized, "invalid_api_key");
        Assert.Contains("whitespace", (string?)error["message"]);
    }

    [Fact]
    public async Task RevokedKeyGets401OnTheNextRequest()
    {
        var (projectId, key) = await fixture.NewKeyAsync();
        Assert.Equal(HttpStatusCode.Accepted, (await Client.SendAsync(TraceEvents.Post(TraceEvents.Valid(), key.Key))).StatusCode);

        Assert.True(await fixture.App.Grains.GetGrain<IProjectDashboardGrain>(projectId).RevokeApiKey(MentioraApp.Owner, key.Summary.Id));
        var response = await Client.SendAsync(TraceEvents.Post(TraceEvents.Valid(), key.Key));

        await ApiAssert.Error(response, HttpStatusCode.Unauthorized, "invalid_api_key");
    }

    [Fact]
    public async Task EachAuthenticatedRequestUpdatesTheKeysLastUsedTime()
    {
        var (projectId, key) = await fixture.NewKeyAsync();
        var project = fixture.App.Grains.GetGrain<IProjectDashboardGrain>(projectId);
        Assert.Null((await MentioraApp.KeysOf(project))[0].LastUsedAt);

        await Client.SendAsync(TraceEvents.Post(TraceEvents.Valid(), key.Key));
        var first = (await MentioraApp.KeysOf(project))[0].LastUsedAt;
        await Task.Delay(20);
        await Client.SendAsync(TraceEvents.Post(TraceEvents.Valid(), key.Key));
        var second = (await MentioraApp.KeysOf(project))[0].LastUsedAt;

        Assert.NotNull(first);
        Assert.True(second > first, $"last used should move forward: {first:O} then {second:O}");
    }

    [Theory]
    [InlineData("{\"trace_id\": ")]
    [InlineData("not json at all")]
    [InlineData("{\"name\": \"a\", \"name\": \"b\"}")]
    [InlineData("{\"name\": \"\\ud800\"}")]
    public async Task MalformedJsonIsRefusedWithInvalidJson(string body)
    {
        var (_, key) = await fixture.NewKeyAsync();

        var response = await Client.SendAsync(TraceEvents.Post(body, key.Key));

        await ApiAssert.Error(response, HttpStatusCode.BadRequest, "invalid_json");
    }

    [Fact]
    public async Task AnInvalidTraceNamesEveryBadField()
    {
        var (_, key) = await fixture.NewKeyAsync();
        var trace = TraceEvents.Valid();
        trace["trace_id"] = Guid.NewGuid().ToString(); // version 4, not 7
        trace["span_id"] = "not-a-uuid";
        trace.Remove("name");
        trace["type"] = "banana";
        trace["start_time"] = "2025-06-01T12:00:00Z";
        trace["end_time"] = "2025-06-01T11:00:00Z";
        trace["duration_ms"] = -5;
        trace["usage"] = new JsonObject { ["prompt_tokens"] = 1.5 };
        trace["metadata"] = "not an object";
        trace["tags"] = new JsonArray(1, 2);

        var response = await Client.SendAsync(TraceEvents.Post(trace, key.Key));

        var error = await ApiAssert.Error(response, HttpStatusCode.BadRequest, "invalid_trace");
        var details = error["details"]!.AsObject();
        foreach (var field in new[] { "trace_id", "span_id", "name", "type", "end_time", "duration_ms", "usage.prompt_tokens", "metadata", "tags" })
        {
            Assert.True(details.ContainsKey(field), $"details should name {field}: {details.ToJsonString()}");
        }

        Assert.Contains("version 4", (string?)details["trace_id"]);
        // The SDKs show only the message: it names the first three fields and why, and counts the rest.
        Assert.Contains("trace_id must be a UUID version 7 (this one is version 4)", (string?)error["message"]);
        Assert.Contains("and 6 more", (string?)error["message"]);
        Assert.Equal(0, await fixture.CountTracesAsync((string)trace["trace_id"]!));
    }

    [Theory]
    [InlineData("model", 257, "model must be at most 256 characters long (it is 257)")]
    [InlineData("provider", 1000, "provider must be at most 256 characters long (it is 1000)")]
    public async Task AModelOrProviderLongerThan256CharactersIsRefusedNamingTheField(string field, int length, string expected)
    {
        var (_, key) = await fixture.NewKeyAsync();
        var trace = TraceEvents.Valid();
        trace[field] = new string('m', length);

        var error = await ApiAssert.Error(await Client.SendAsync(TraceEvents.Post(trace, key.Key)), HttpStatusCode.BadRequest, "invalid_trace");

        Assert.Contains(expected, (string?)error["message"]);
        Assert.Equal(0, await fixture.CountTracesAsync((string)trace["trace_id"]!));
    }

    [Fact]
    public async Task AModelAndProviderOfExactly256CharactersAreStored()
    {
        var (_, key) = await fixture.NewKeyAsync();
        var trace = TraceEvents.Valid();
        trace["model"] = new string('m', 256);
        trace["provider"] = new string('p', 256);

        Assert.Equal(HttpStatusCode.Accepted, (await Client.SendAsync(TraceEvents.Post(trace, key.Key))).StatusCode);

        Assert.Equal(new string('m', 256), (await fixture.StoredTraceAsync((string)trace["span_id"]!))["model"]);
    }

    [Fact]
    public async Task MoreThan50TagsAreRefusedAnd50AreStored()
    {
        var (_, key) = await fixture.NewKeyAsync();
        var tooMany = TraceEvents.Valid();
        tooMany["tags"] = new JsonArray(Enumerable.Range(0, 51).Select(i => (JsonNode?)JsonValue.Create($"tag-{i}")).ToArray());
        var fifty = TraceEvents.Valid();
        fifty["tags"] = new JsonArray(Enumerable.Range(0, 50).Select(i => (JsonNode?)JsonValue.Create($"tag-{i}")).ToArray());

        var error = await ApiAssert.Error(await Client.SendAsync(TraceEvents.Post(tooMany, key.Key)), HttpStatusCode.BadRequest, "invalid_trace");
        var stored = await Client.SendAsync(TraceEvents.Post(fifty, key.Key));

        Assert.Contains("tags must hold at most 50 tags (it holds 51)", (string?)error["message"]);
        Assert.Equal(HttpStatusCode.Accepted, stored.StatusCode);
    }

    [Fact]
    public async Task ATagLongerThan200CharactersIsRefusedNamingWhichOne()
    {
        var (_, key) = await fixture.NewKeyAsync();
        var trace = TraceEvents.Valid();
        trace["tags"] = new JsonArray("production", new string('t', 200), new string('t', 201));

        var error = await ApiAssert.Error(await Client.SendAsync(TraceEvents.Post(trace, key.Key)), HttpStatusCode.BadRequest, "invalid_trace");

        Assert.Contains("tags must be strings of at most 200 characters each (tags[2] has 201)", (string?)error["message"]);
        Assert.Equal(0, await fixture.CountTracesAsync((string)trace["trace_id"]!));
    }

    [Fact]
    public async Task ABodyThatIsNotAnObjectIsAnInvalidTrace()
    {
        var (_, key) = await fixture.NewKeyAsync();

        var response = await Client.SendAsync(TraceEvents.Post("[1, 2, 3]", key.Key));

        await ApiAssert.Error(response, HttpStatusCode.BadRequest, "invalid_trace");
    }

    [Fact]
    public async Task ANonJsonContentTypeIsRefusedWith415()
    {
        var (_, key) = await fixture.NewKeyAsync();

        var response = await Client.SendAsync(TraceEvents.Post(TraceEvents.Valid().ToJsonString(), key.Key, "text/plain"));

        await ApiAssert.Error(response, HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
    }

    [Fact]
    public async Task ABodyOverTheLimitIsRefusedWith413AndNothingIsStored()
    {
        var (_, key) = await fixture.NewKeyAsync();
        var trace = TraceEvents.Valid();
        trace["input"] = new string('x', (int)IngestionAppFixture.BodyLimit);

        var response = await Client.SendAsync(TraceEvents.Post(trace, key.Key));

        await ApiAssert.Error(response, HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
        Assert.Equal(0, await fixture.CountTracesAsync((string)trace["trace_id"]!));
    }

    [Fact]
    public async Task AFullWriteQueueAnswers503WithRetryAfterAndLosesNothingAcknowledged()
    {
        // A queue of one trace: concurrent requests beyond it must be refused, not buffered.
        var storage = await TestStorage.NewAsync(fixture.Mode);
        await using var app = new MentioraApp(storage, new Dictionary<string, string?> { ["Traces:QueueCapacity"] = "1", ["Traces:MaxBatchSize"] = "1" });
        var client = app.Start();
        var (_, key) = await IngestionAppFixture.NewKeyAsync(app);
        var traces = Enumerable.Range(0, 60).Select(_ => TraceEvents.Valid()).ToArray();

        var responses = await Task.WhenAll(traces.Select(t => client.SendAsync(TraceEvents.Post(t, key.Key))));

        var refused = responses.Where(r => r.StatusCode == HttpStatusCode.ServiceUnavailable).ToArray();
        Assert.NotEmpty(refused);
        await ApiAssert.Error(refused[0], HttpStatusCode.ServiceUnavailable, "unavailable");
        Assert.All(refused, r => Assert.NotNull(r.Headers.RetryAfter));
        Assert.All(responses, r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.Accepted, HttpStatusCode.ServiceUnavailable }));
        for (var i = 0; i < traces.Length; i++)
        {
            var expected = responses[i].StatusCode == HttpStatusCode.Accepted ? 1 : 0;
            Assert.Equal(expected, await fixture.CountTracesAsync((string)traces[i]["trace_id"]!, storage));
        }
    }

    [Fact]
    public async Task ABatchIsStoredWholeAndAnsweredPerEvent()
    {
        var (_, key) = await fixture.NewKeyAsync();
        var traces = Enumerable.Range(0, 10).Select(_ => TraceEvents.Valid()).ToArray();

        var response = await Client.SendAsync(TraceEvents.Post(new JsonArray(traces.Select(t => (JsonNode)t).ToArray()), key.Key));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(10, (int)body["count"]!);
        var results = body["results"]!.AsArray();
        for (var i = 0; i < traces.Length; i++)
        {
            Assert.Equal((string?)traces[i]["span_id"], (string?)results[i]!["span_id"]);
            Assert.Equal(1, await fixture.CountTracesAsync((string)traces[i]["trace_id"]!));
        }
    }

    [Fact]
    public async Task ABatchWithBadEventsNamesEachAndStoresNothing()
    {
        var (_, key) = await fixture.NewKeyAsync();
        var traces = Enumerable.Range(0, 5).Select(_ => TraceEvents.Valid()).ToArray();
        traces[1]["trace_id"] = "nope";
        traces[3]["type"] = "banana";

        var response = await Client.SendAsync(TraceEvents.Post(new JsonArray(traces.Select(t => JsonNode.Parse(t.ToJsonString())).ToArray()), key.Key));

        var error = await ApiAssert.Error(response, HttpStatusCode.BadRequest, "invalid_trace");
        var details = error["details"]!.AsObject();
        Assert.True(details.ContainsKey("[1].trace_id"), details.ToJsonString());
        Assert.True(details.ContainsKey("[3].type"), details.ToJsonString());
        Assert.Equal(2, details.Count);
        Assert.Contains("2 of 5", (string?)error["message"]);
        foreach (var trace in traces.Where((_, i) => i is 0 or 2 or 4))
        {
            Assert.Equal(0, await fixture.CountTracesAsync((string)trace["trace_id"]!));
        }
    }

    [Fact]
    public async Task ABatchOfMoreThanAThousandEventsIsRefused()
    {
        var (_, key) = await fixture.NewKeyAsync();
        // Empty objects keep the body under this app's small body limit; the count is checked first.
        var response = await Client.SendAsync(TraceEvents.Post("[" + string.Join(",", Enumerable.Repeat("{}", 1001)) + "]", key.Key));

        var error = await ApiAssert.Error(response, HttpStatusCode.BadRequest, "invalid_trace");
        Assert.Contains("1 to 1000", (string?)error["message"]);
    }

    [Fact]
    public async Task AnEventSentAgainIsStoredOnceAndAnswered202Again()
    {
        var (_, key) = await fixture.NewKeyAsync();
        var trace = TraceEvents.Valid();

        var first = await Client.SendAsync(TraceEvents.Post(trace, key.Key));
        var retry = await Client.SendAsync(TraceEvents.Post(trace, key.Key));

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
        Assert.Equal(1, await fixture.CountTracesAsync((string)trace["trace_id"]!));
    }

    [Fact]
    public async Task CopiesArrivingTogetherAreStoredOnce()
    {
        var (_, key) = await fixture.NewKeyAsync();
        var trace = TraceEvents.Valid();
        var other = TraceEvents.Valid();

        // Ten retries at once land in the same write batch; a batch request may also repeat an event.
        var answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Client.SendAsync(TraceEvents.Post(trace, key.Key))));
        var batch = await Client.SendAsync(TraceEvents.Post(new JsonArray(JsonNode.Parse(other.ToJsonString()), JsonNode.Parse(other.ToJsonString())), key.Key));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Accepted, a.StatusCode));
        Assert.Equal(HttpStatusCode.Accepted, batch.StatusCode);
        Assert.Equal(1, await fixture.CountTracesAsync((string)trace["trace_id"]!));
        Assert.Equal(1, await fixture.CountTracesAsync((string)other["trace_id"]!));
    }

    [Fact]
    public async Task TheSameSpanIdInAnotherProjectIsAnotherEvent()
    {
        var (_, first) = await fixture.NewKeyAsync();
        var (_, second) = await fixture.NewKeyAsync();
        var trace = TraceEvents.Valid();

        Assert.Equal(HttpStatusCode.Accepted, (await Client.SendAsync(TraceEvents.Post(trace, first.Key))).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await Client.SendAsync(TraceEvents.Post(trace, second.Key))).StatusCode);

        Assert.Equal(2, await fixture.CountTracesAsync((string)trace["trace_id"]!));
    }

    [Fact]
    public async Task UnknownApiRoutesAnswerInTheErrorShape()
    {
        await ApiAssert.Error(await Client.GetAsync("/api/v1/nothing-here"), HttpStatusCode.NotFound, "not_found");
        await ApiAssert.Error(await Client.GetAsync("/api/v1/traces"), HttpStatusCode.MethodNotAllowed, "method_not_allowed");
    }
}

public sealed class IngestionContractOnEmbeddedStorage(EmbeddedIngestionAppFixture fixture)
    : IngestionContractTests(fixture), IClassFixture<EmbeddedIngestionAppFixture>;

public sealed class IngestionContractOnPostgres(PostgresIngestionAppFixture fixture)
    : IngestionContractTests(fixture), IClassFixture<PostgresIngestionAppFixture>;
