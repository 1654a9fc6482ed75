using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Mentiora.Grains.Keys;
using Mentiora.Grains.Projects;
using Mentiora.Tests.Infrastructure;

namespace Mentiora.Tests.Web;

/// <summary>
/// The messages people read through the SDKs, which show only <c>error.code</c> and
/// <c>error.message</c> on one line: every refusal stands alone, and an invalid trace names each
/// bad field and why in the message itself (DESIGN §3.1, §3.7).
/// </summary>
public abstract class RefusalMessageTests(IngestionAppFixture fixture) : LeakCheckedTests(fixture.App)
{
    private const string AllowedOrigin = "https://app.example.com";

    private HttpClient Client => fixture.Client;

    private async Task<JsonObject> InvalidTraceAsync(JsonNode body)
    {
        var (_, key) = await fixture.NewKeyAsync();
        var response = await Client.SendAsync(TraceEvents.Post(body, key.Key));
        return await ApiAssert.Error(response, HttpStatusCode.BadRequest, "invalid_trace");
    }

    [Fact]
    public async Task AnInvalidTraceSaysWhichFieldsAreWrongAndWhyInTheMessageItself()
    {
        var trace = TraceEvents.Valid();
        trace["trace_id"] = Guid.NewGuid().ToString(); // version 4
        trace["start_time"] = "2025-06-01T12:00:00Z";
        trace["end_time"] = "2025-06-01T11:00:00Z";

        var error = await InvalidTraceAsync(trace);

        Assert.Equal(
            "The trace event is invalid: trace_id must be a UUID version 7 (this one is version 4); end_time must not be before start_time. Fix it and send it again; nothing was stored.",
            (string?)error["message"]);
        Assert.Equal("must be a UUID version 7; this one is version 4.", (string?)error["details"]!["trace_id"]);
    }

    [Fact]
    public async Task AnInvalidTraceWithManyBadFieldsSpellsOutThreeAndCountsTheRest()
    {
        var trace = TraceEvents.Valid();
        trace["trace_id"] = Guid.NewGuid().ToString();
        trace["span_id"] = "not-a-uuid";
        trace.Remove("name");
        trace["type"] = "banana";
        trace["duration_ms"] = -5;
        trace["tags"] = new JsonArray(1, 2);

        var error = await InvalidTraceAsync(trace);

        var message = (string)error["message"]!;
        Assert.StartsWith(
            "The trace event is invalid: trace_id must be a UUID version 7 (this one is version 4); "
            + "span_id must be a UUID string in the form xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx; name is required: a string of 1 to 256 characters; and 3 more.",
            message);
        Assert.DoesNotContain("banana", message);
        Assert.Equal(6, error["details"]!.AsObject().Count);
    }

    [Fact]
    public async Task AnInvalidBatchNamesTheBadEventsFieldsInTheMessage()
    {
        var traces = Enumerable.Range(0, 6).Select(_ => (JsonNode)TraceEvents.Valid()).ToArray();
        for (var i = 1; i < 6; i++)
        {
            traces[i]["type"] = "banana";
        }

        var error = await InvalidTraceAsync(new JsonArray(traces));

        Assert.Equal(
            "5 of 6 trace events are invalid: [1].type must be one of llm, tool, chat, error, custom; [2].type must be one of llm, tool, chat, error, custom; "
            + "[3].type must be one of llm, tool, chat, error, custom; and 2 more. Fix them and send the batch again; nothing was stored.",
            (string?)error["message"]);
    }

    [Fact]
    public async Task EveryRefusalTheApiGivesStandsAloneOnOneLineAndSaysWhatToDo()
    {
        var (projectId, key) = await fixture.NewKeyAsync();
        var project = fixture.App.Grains.GetGrain<IProjectDashboardGrain>(projectId);
        Assert.Equal(OriginChangeOutcome.Done, (await project.AddAllowedOrigin(MentioraApp.Owner, key.Summary.Id, AllowedOrigin)).Outcome);
        var publishable = key.Summary.PublishableKey;
        var signingKey = IdentityTokens.SigningKey(key.SigningSecret);
        var user = new EndUser("user-42", null, null);
        var expired = IdentityTokens.Mint(user, signingKey, DateTimeOffset.UtcNow.AddHours(-2), TimeSpan.FromMinutes(10));
        var wrongSecret = IdentityTokens.Mint(user, IdentityTokens.SigningKey(ApiKeyMaterial.NewSigningSecret()), DateTimeOffset.UtcNow, TimeSpan.FromMinutes(10));
        var valid = TraceEvents.Valid().ToJsonString();

        HttpRequestMessage Traces(string body, string? authorization, string? origin = null, string? token = null, string contentType = "application/json")
        {
            var request = TraceEvents.Post(body, key: null, contentType);
            if (authorization is not null)
            {
                request.Headers.TryAddWithoutValidation("Authorization", authorization);
            }

            if (origin is not null)
            {
                request.Headers.Add("Origin", origin);
            }

            if (token is not null)
            {
                request.Headers.Add("X-Mentiora-Identity-Token", token);
            }

            return request;
        }

        HttpRequestMessage MintToken(string body, string authorization, string? origin = null)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/identity-tokens") { Content = new StringContent(body, Encoding.UTF8) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
            if (origin is not null)
            {
                request.Headers.Add("Origin", origin);
            }

            return request;
        }

        var bearer = $"Bearer {key.Key}";
        var refusals = new (string Why, Func<HttpRequestMessage> Request, HttpStatusCode Status, string Code)[]
        {
            ("no key", () => Traces(valid, null), HttpStatusCode.Unauthorized, "missing_api_key"),
            ("another scheme", () => Traces(valid, "Basic dXNlcjpwYXNz"), HttpStatusCode.Unauthorized, "missing_api_key"),
            ("nothing after Bearer", () => Traces(valid, "Bearer"), HttpStatusCode.Unauthorized, "missing_api_key"),
            ("whitespace", () => Traces(valid, $"Bearer {key.Key[..20]} {key.Key[20..]}"), HttpStatusCode.Unauthorized, "invalid_api_key"),
            ("the prefix", () => Traces(valid, $"Bearer {key.Summary.Prefix}"), HttpStatusCode.Unauthorized, "invalid_api_key"),
            ("malformed", () => Traces(valid, "Bearer not-a-key"), HttpStatusCode.Unauthorized, "invalid_api_key"),
            ("unknown", () => Traces(valid, $"Bearer {ApiKeyMaterial.NewSecretKey()}"), HttpStatusCode.Unauthorized, "invalid_api_key"),
            ("unknown publishable", () => Traces(valid, $"Bearer {ApiKeyMaterial.NewPublishableKey()}", AllowedOrigin), HttpStatusCode.Unauthorized, "invalid_api_key"),
            ("publishable without origin", () => Traces(valid, $"Bearer {publishable}"), HttpStatusCode.Forbidden, "origin_not_allowed"),
            ("publishable from another origin", () => Traces(valid, $"Bearer {publishable}", "https://evil.example.org"), HttpStatusCode.Forbidden, "origin_not_allowed"),
            ("expired token", () => Traces(valid, $"Bearer {publishable}", AllowedOrigin, expired), HttpStatusCode.Unauthorized, "identity_token_expired"),
            ("token signed with another secret", () => Traces(valid, $"Bearer {publishable}", AllowedOrigin, wrongSecret), HttpStatusCode.Unauthorized, "identity_token_invalid"),
            ("garbage token", () => Traces(valid, $"Bearer {publishable}", AllowedOrigin, "abc"), HttpStatusCode.Unauthorized, "identity_token_invalid"),
            ("secret key from a web page", () => Traces(valid, bearer, AllowedOrigin), HttpStatusCode.Forbidden, "insufficient_permissions"),
            ("publishable key minting", () => MintToken("{\"user_id\":\"u\"}", $"Bearer {publishable}", AllowedOrigin), HttpStatusCode.Forbidden, "insufficient_permissions"),
            ("not JSON", () => Traces("{\"trace_id\": ", bearer), HttpStatusCode.BadRequest, "invalid_json"),
            ("duplicate property", () => Traces("{\"name\": \"a\", \"name\": \"b\"}", bearer), HttpStatusCode.BadRequest, "invalid_json"),
            ("lone surrogate", () => Traces("{\"name\": \"\\ud800\"}", bearer), HttpStatusCode.BadRequest, "invalid_json"),
            ("not an object", () => Traces("42", bearer), HttpStatusCode.BadRequest, "invalid_trace"),
            ("empty object", () => Traces("{}", bearer), HttpStatusCode.BadRequest, "invalid_trace"),
            ("empty batch", () => Traces("[]", bearer), HttpStatusCode.BadRequest, "invalid_trace"),
            ("batch of numbers", () => Traces("[1, 2]", bearer), HttpStatusCode.BadRequest, "invalid_trace"),
            ("mint without user", () => MintToken("{}", bearer), HttpStatusCode.BadRequest, "invalid_request"),
            ("mint not JSON", () => MintToken("{", bearer), HttpStatusCode.BadRequest, "invalid_json"),
            ("text/plain", () => Traces(valid, bearer, contentType: "text/plain"), HttpStatusCode.UnsupportedMediaType, "unsupported_media_type"),
            ("too large", () => Traces($"{{\"input\":\"{new string('x', (int)IngestionAppFixture.BodyLimit)}\"}}", bearer), HttpStatusCode.RequestEntityTooLarge, "payload_too_large"),
            ("no such API", () => new HttpRequestMessage(HttpMethod.Get, "/api/v1/trace"), HttpStatusCode.NotFound, "not_found"),
            ("GET traces", () => new HttpRequestMessage(HttpMethod.Get, "/api/v1/traces"), HttpStatusCode.MethodNotAllowed, "method_not_allowed"),
        };

        var codes = new HashSet<string>();
        foreach (var (why, request, status, code) in refusals)
        {
            var response = await Client.SendAsync(request());
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == status, $"{why}: expected {(int)status}, got {(int)response.StatusCode} {text}");
            var error = await ApiAssert.Error(response, status, code);
            Assert.DoesNotContain(key.Key, (string)error["message"]!);
            codes.Add(code);
        }

        // 429 and 503 need an app with a limit or a full queue: LimitsTests and the contract tests check theirs through ApiAssert.Error.
        string[] contract = ["missing_api_key", "invalid_api_key", "identity_token_invalid", "identity_token_expired", "origin_not_allowed",
            "insufficient_permissions", "invalid_json", "invalid_trace", "payload_too_large", "unsupported_media_type"];
        Assert.Empty(contract.Except(codes));
    }
}

public sealed class RefusalMessagesOnEmbeddedStorage(EmbeddedIngestionAppFixture fixture)
    : RefusalMessageTests(fixture), IClassFixture<EmbeddedIngestionAppFixture>;

public sealed class RefusalMessagesOnPostgres(PostgresIngestionAppFixture fixture)
    : RefusalMessageTests(fixture), IClassFixture<PostgresIngestionAppFixture>;
