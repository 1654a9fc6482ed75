using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Mentiora.Grains.Keys;
using Mentiora.Grains.Projects;
using Mentiora.Tests.Infrastructure;

namespace Mentiora.Tests.Web;

/// <summary>
/// <c>GET /api/v1/whoami</c> (DESIGN §3.7) over real HTTP on both storage modes: what a valid key
/// learns about itself, and that every refusal is exactly the one <c>POST /api/v1/traces</c> gives.
/// </summary>
public abstract class WhoAmITests(IngestionAppFixture fixture) : LeakCheckedTests(fixture.App)
{
    private const string AllowedOrigin = "https://app.example.com";

    private HttpClient Client => fixture.Client;

    private static HttpRequestMessage WhoAmI(string? authorization, string? origin = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/whoami");
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        return request;
    }

    private static HttpRequestMessage Trace(string? authorization, string? origin = null)
    {
        var request = TraceEvents.Post(TraceEvents.Valid(), key: null);
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        return request;
    }

    private async Task<RevealedApiKey> BrowserKeyAsync()
    {
        var (projectId, key) = await fixture.NewKeyAsync();
        var project = fixture.App.Grains.GetGrain<IProjectDashboardGrain>(projectId);
        Assert.Equal(OriginChangeOutcome.Done, (await project.AddAllowedOrigin(MentioraApp.Owner, key.Summary.Id, AllowedOrigin)).Outcome);
        return key;
    }

    // What a client can tell apart: status, body, and the headers that drive retries, challenges and CORS.
    private static async Task<string> AnswerAsync(HttpResponseMessage response)
    {
        string Header(string name) => response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : "-";
        return $"{(int)response.StatusCode} WWW-Authenticate={Header("WWW-Authenticate")} "
            + $"ACAO={Header("Access-Control-Allow-Origin")} {await response.Content.ReadAsStringAsync()}";
    }

    private static DateTime Utc(JsonNode? time)
    {
        var text = (string)time!;
        Assert.EndsWith("Z", text);
        return DateTime.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
    }

    [Fact]
    public async Task ASecretKeyLearnsItsProjectAndItsOwnNamePrefixAndTimes()
    {
        var before = DateTime.UtcNow.AddSeconds(-1);
        var (projectId, key) = await fixture.NewKeyAsync();

        var response = await Client.SendAsync(WhoAmI($"Bearer {key.Key}"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(projectId.ToString(), (string?)body["project"]!["id"]);
        Assert.Equal("Test project", (string?)body["project"]!["name"]);
        var self = body["key"]!;
        Assert.Equal("Test", (string?)self["name"]);
        Assert.Equal(key.Summary.Prefix, (string?)self["prefix"]);
        Assert.Equal("secret", (string?)self["kind"]);
        Assert.InRange(Utc(self["created_at"]), before, DateTime.UtcNow);
        // Asking counts as using the key: its own request is the last use.
        Assert.InRange(Utc(self["last_used_at"]), Utc(self["created_at"]), DateTime.UtcNow);
        Assert.True(self.AsObject().ContainsKey("expires_at"));
        Assert.Null(self["expires_at"]);
        Assert.DoesNotContain(key.Key, body.ToJsonString());
        Assert.NotNull((await MentioraApp.KeysOf(fixture.App.Grains.GetGrain<IProjectDashboardGrain>(projectId)))[0].LastUsedAt);
    }

    [Fact]
    public async Task APublishableKeyFromAnAllowedOriginIsAnsweredWithCorsHeaders()
    {
        var key = await BrowserKeyAsync();

        var response = await Client.SendAsync(WhoAmI($"Bearer {key.Summary.PublishableKey}", AllowedOrigin));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(AllowedOrigin, response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("Origin", response.Headers.Vary);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("publishable", (string?)body["key"]!["kind"]);
        Assert.Equal(key.Summary.Prefix, (string?)body["key"]!["prefix"]);
    }

    [Fact]
    public async Task APageMayAskWhoAmIAfterAPreflightForGet()
    {
        var preflight = new HttpRequestMessage(HttpMethod.Options, "/api/v1/whoami");
        preflight.Headers.Add("Origin", AllowedOrigin);
        preflight.Headers.Add("Access-Control-Request-Method", "GET");
        preflight.Headers.Add("Access-Control-Request-Headers", "authorization, x-mentiora-identity-token");

        var response = await Client.SendAsync(preflight);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(AllowedOrigin, response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Equal("GET", response.Headers.GetValues("Access-Control-Allow-Methods").Single());
        Assert.Equal("Authorization, X-Mentiora-Identity-Token", response.Headers.GetValues("Access-Control-Allow-Headers").Single());
    }

    [Fact]
    public async Task APublishableKeyFromAnOriginItDoesNotAllowIsRefusedExactlyAsATraceWouldBe()
    {
        var key = await BrowserKeyAsync();
        var authorization = $"Bearer {key.Summary.PublishableKey}";

        var whoami = await Client.SendAsync(WhoAmI(authorization, "https://evil.example.org"));
        var trace = await Client.SendAsync(Trace(authorization, "https://evil.example.org"));

        await ApiAssert.Error(whoami, HttpStatusCode.Forbidden, "origin_not_allowed");
        Assert.Equal(await AnswerAsync(trace), await AnswerAsync(whoami));
    }

    public enum Refusal
    {
        Missing,
        Unknown,
        Revoked,
        Prefix,
        Whitespace,
        OtherScheme,
        UnknownPublishable,
    }

    [Theory]
    [InlineData(Refusal.Missing, "missing_api_key")]
    [InlineData(Refusal.OtherScheme, "missing_api_key")]
    [InlineData(Refusal.Unknown, "invalid_api_key")]
    [InlineData(Refusal.Revoked, "invalid_api_key")]
    [InlineData(Refusal.Prefix, "invalid_api_key")]
    [InlineData(Refusal.Whitespace, "invalid_api_key")]
    [InlineData(Refusal.UnknownPublishable, "invalid_api_key")]
    public async Task AKeyThatCannotSendTracesIsRefusedExactlyAsATraceWouldBe(Refusal refusal, string code)
    {
        var (projectId, key) = await fixture.NewKeyAsync();
        if (refusal == Refusal.Revoked)
        {
            Assert.True(await fixture.App.Grains.GetGrain<IProjectDashboardGrain>(projectId).RevokeApiKey(MentioraApp.Owner, key.Summary.Id));
        }

        var (authorization, origin) = refusal switch
        {
            Refusal.Missing => (null, null),
            Refusal.OtherScheme => ("Basic dXNlcjpwYXNz", null),
            Refusal.Unknown => ($"Bearer {ApiKeyMaterial.NewSecretKey()}", null),
            Refusal.Prefix => ($"Bearer {key.Summary.Prefix}", null),
            Refusal.Whitespace => ($"Bearer {key.Key[..20]} {key.Key[20..]}", null),
            Refusal.UnknownPublishable => ($"Bearer {ApiKeyMaterial.NewPublishableKey()}", AllowedOrigin),
            _ => ($"Bearer {key.Key}", (string?)null),
        };

        var whoami = await Client.SendAsync(WhoAmI(authorization, origin));
        var trace = await Client.SendAsync(Trace(authorization, origin));

        await ApiAssert.Error(whoami, HttpStatusCode.Unauthorized, code);
        Assert.Equal("Bearer", whoami.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal(await AnswerAsync(trace), await AnswerAsync(whoami));
    }
}

public sealed class WhoAmIOnEmbeddedStorage(EmbeddedIngestionAppFixture fixture)
    : WhoAmITests(fixture), IClassFixture<EmbeddedIngestionAppFixture>;

public sealed class WhoAmIOnPostgres(PostgresIngestionAppFixture fixture)
    : WhoAmITests(fixture), IClassFixture<PostgresIngestionAppFixture>;
