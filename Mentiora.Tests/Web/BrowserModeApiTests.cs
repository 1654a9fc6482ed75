using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Mentiora.Grains.Keys;
using Mentiora.Grains.Projects;
using Mentiora.Tests.Infrastructure;

namespace Mentiora.Tests.Web;

/// <summary>
/// Browser mode over HTTP (DESIGN §3.3, §3.4): publishable keys, allowed origins, CORS and
/// identity tokens, with every refusal code, on both storage modes.
/// </summary>
public abstract class BrowserModeApiTests(IngestionAppFixture fixture) : LeakCheckedTests(fixture.App)
{
    private const string AllowedOrigin = "https://app.example.com";

    private HttpClient Client => fixture.Client;

    private async Task<(IProjectDashboardGrain Project, RevealedApiKey Key)> BrowserKeyAsync(params string[] origins)
    {
        var (projectId, key) = await fixture.NewKeyAsync();
        var project = fixture.App.Grains.GetGrain<IProjectDashboardGrain>(projectId);
        foreach (var origin in origins)
        {
            Assert.Equal(OriginChangeOutcome.Done, (await project.AddAllowedOrigin(MentioraApp.Owner, key.Summary.Id, origin)).Outcome);
        }

        return (project, key);
    }

    private static HttpRequestMessage FromBrowser(JsonObject trace, string publishableKey, string? origin, string? identityToken = null)
    {
        var request = TraceEvents.Post(trace, publishableKey);
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        if (identityToken is not null)
        {
            request.Headers.Add("X-Mentiora-Identity-Token", identityToken);
        }

        return request;
    }

    // What a browser sends before a cross-origin POST from the allowed page, asking for these headers.
    private static HttpRequestMessage Preflight(string requestedHeaders)
    {
        var preflight = new HttpRequestMessage(HttpMethod.Options, "/api/v1/traces");
        preflight.Headers.Add("Origin", AllowedOrigin);
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", requestedHeaders);
        return preflight;
    }

    private static string Token(RevealedApiKey key, string sub = "user-42", int lifetimeSeconds = 600, DateTimeOffset? now = null) =>
        IdentityTokens.Mint(new EndUser(sub, "Ada Lovelace", "ada@example.com"), IdentityTokens.SigningKey(key.SigningSecret),
            now ?? DateTimeOffset.UtcNow, TimeSpan.FromSeconds(lifetimeSeconds));

    [Fact]
    public async Task APreflightIsAnsweredWithTheCorsContract()
    {
        var response = await Client.SendAsync(Preflight("authorization, content-type, x-mentiora-identity-token"));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(AllowedOrigin, response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Equal("POST", response.Headers.GetValues("Access-Control-Allow-Methods").Single());
        Assert.Equal("Authorization, Content-Type, X-Mentiora-Identity-Token", response.Headers.GetValues("Access-Control-Allow-Headers").Single());
    }

    [Fact]
    public async Task APreflightThatAlsoAsksForUserAgentIsAllowedIt()
    {
        var response = await Client.SendAsync(Preflight("authorization, content-type, user-agent"));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(AllowedOrigin, response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Equal("Authorization, Content-Type, User-Agent", response.Headers.GetValues("Access-Control-Allow-Headers").Single());
        Assert.Contains("Origin", response.Headers.Vary);
    }

    [Fact]
    public async Task APreflightAskingForAHeaderTheSdksNeverSendIsNotAllowedIt()
    {
        var response = await Client.SendAsync(Preflight("authorization, x-forwarded-for"));

        // The browser then refuses to send the request, since the header it wanted is not granted.
        var granted = response.Headers.TryGetValues("Access-Control-Allow-Headers", out var values) ? string.Join(",", values) : "";
        Assert.DoesNotContain("x-forwarded-for", granted, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task APublishableKeyFromAnAllowedOriginIsAcceptedWithCorsHeaders()
    {
        var (_, key) = await BrowserKeyAsync(AllowedOrigin);
        var trace = TraceEvents.Valid();

        var response = await Client.SendAsync(FromBrowser(trace, key.Summary.PublishableKey, AllowedOrigin));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(AllowedOrigin, response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("Origin", response.Headers.Vary);
        var row = await fixture.StoredTraceAsync((string)trace["span_id"]!);
        Assert.Equal(key.Summary.Id.ToString(), row["key_id"]);
        Assert.Null(row["end_user_id"]);
    }

    [Fact]
    public async Task AWildcardOriginAcceptsSubdomainsButNotTheApex()
    {
        var (_, key) = await BrowserKeyAsync("https://*.example.com");

        var deep = await Client.SendAsync(FromBrowser(TraceEvents.Valid(), key.Summary.PublishableKey, "https://eu.app.example.com"));
        var apex = await Client.SendAsync(FromBrowser(TraceEvents.Valid(), key.Summary.PublishableKey, "https://example.com"));

        Assert.Equal(HttpStatusCode.Accepted, deep.StatusCode);
        await ApiAssert.Error(apex, HttpStatusCode.Forbidden, "origin_not_allowed");
    }

    [Theory]
    [InlineData("https://evil.example.org")]
    [InlineData("http://app.example.com")]
    [InlineData("https://app.example.com:8443")]
    [InlineData("null")]
    public async Task AnotherOriginIsRefusedAndTheBrowserCanReadWhy(string origin)
    {
        var (_, key) = await BrowserKeyAsync(AllowedOrigin);
        var trace = TraceEvents.Valid();

        var response = await Client.SendAsync(FromBrowser(trace, key.Summary.PublishableKey, origin));

        var error = await ApiAssert.Error(response, HttpStatusCode.Forbidden, "origin_not_allowed");
        Assert.Contains("Allowed origins", (string?)error["message"]);
        Assert.Equal(origin, response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Equal(0, await fixture.CountTracesAsync((string)trace["trace_id"]!));
    }

    [Fact]
    public async Task APublishableKeyWithoutAnOriginOrWithNoOriginsConfiguredIsRefused()
    {
        var (_, configured) = await BrowserKeyAsync(AllowedOrigin);
        var (_, unconfigured) = await BrowserKeyAsync();

        await ApiAssert.Error(await Client.SendAsync(FromBrowser(TraceEvents.Valid(), configured.Summary.PublishableKey, origin: null)),
            HttpStatusCode.Forbidden, "origin_not_allowed");
        await ApiAssert.Error(await Client.SendAsync(FromBrowser(TraceEvents.Valid(), unconfigured.Summary.PublishableKey, AllowedOrigin)),
            HttpStatusCode.Forbidden, "origin_not_allowed");
    }

    [Fact]
    public async Task InReportOnlyAnOriginThatIsNotAllowedIsAcceptedWithCorsHeadersAndListed()
    {
        const string shop = "https://shop.example.net";
        var (project, key) = await BrowserKeyAsync(AllowedOrigin);
        var refusedTrace = TraceEvents.Valid();

        var refused = await Client.SendAsync(FromBrowser(refusedTrace, key.Summary.PublishableKey, shop));
        await ApiAssert.Error(refused, HttpStatusCode.Forbidden, "origin_not_allowed");
        Assert.Equal(OriginChangeOutcome.Done, await project.SetReportOnly(MentioraApp.Owner, key.Summary.Id, true));
        var trace = TraceEvents.Valid();
        var accepted = await Client.SendAsync(FromBrowser(trace, key.Summary.PublishableKey, shop));

        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.Equal(shop, accepted.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("Origin", accepted.Headers.Vary);
        Assert.Equal(key.Summary.Id.ToString(), (await fixture.StoredTraceAsync((string)trace["span_id"]!))["key_id"]);
        Assert.Equal(0, await fixture.CountTracesAsync((string)refusedTrace["trace_id"]!));
        var blocked = Assert.Single((await project.GetKeyOrigins(MentioraApp.Owner, key.Summary.Id))!.BlockedOrigins);
        Assert.Equal((shop, 2, true), (blocked.Origin, blocked.Count, blocked.LastLetThrough));
    }

    [Fact]
    public async Task AValidIdentityTokenRecordsTheEndUserWithTheTrace()
    {
        var (_, key) = await BrowserKeyAsync(AllowedOrigin);
        var trace = TraceEvents.Valid();

        var response = await Client.SendAsync(FromBrowser(trace, key.Summary.PublishableKey, AllowedOrigin, Token(key, "customer-7")));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var row = await fixture.StoredTraceAsync((string)trace["span_id"]!);
        Assert.Equal("customer-7", row["end_user_id"]);
        Assert.Equal("Ada Lovelace", row["end_user_name"]);
        Assert.Equal("ada@example.com", row["end_user_email"]);
    }

    [Fact]
    public async Task AnExpiredIdentityTokenIsRefusedAsExpired()
    {
        var (_, key) = await BrowserKeyAsync(AllowedOrigin);
        var expired = Token(key, lifetimeSeconds: 300, now: DateTimeOffset.UtcNow.AddMinutes(-10));

        var response = await Client.SendAsync(FromBrowser(TraceEvents.Valid(), key.Summary.PublishableKey, AllowedOrigin, expired));

        await ApiAssert.Error(response, HttpStatusCode.Unauthorized, "identity_token_expired");
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal(AllowedOrigin, response.Headers.GetValues("Access-Control-Allow-Origin").Single());
    }

    public static TheoryData<string> TamperedTokens()
    {
        return new TheoryData<string>
        {
            "changed payload",
            "alg none",
            "HS512",
            "wrong secret",
            "missing sub",
            "missing exp",
            "lifetime over an hour",
            "iat in the future",
            "not a jwt",
        };
    }

    [Theory]
    [MemberData(nameof(TamperedTokens))]
    public async Task ATamperedOrMisbuiltIdentityTokenIsRefusedAsInvalid(string tampering)
    {
        var (_, key) = await BrowserKeyAsync(AllowedOrigin);
        var secret = IdentityTokens.SigningKey(key.SigningSecret);
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var header = HandMadeTokens.Hs256Header;
        var token = tampering switch
        {
            "changed payload" => ChangePayload(Token(key)),
            "alg none" => HandMadeTokens.Encode("""{"alg":"none","typ":"JWT"}""") + "." + HandMadeTokens.Encode(HandMadeTokens.Claims(now, now + 60)) + ".",
            "HS512" => HandMadeTokens.Sign("""{"alg":"HS512","typ":"JWT"}""", HandMadeTokens.Claims(now, now + 60), secret, HMACSHA512.HashData),
            "wrong secret" => HandMadeTokens.Sign(header, HandMadeTokens.Claims(now, now + 60), Encoding.UTF8.GetBytes(ApiKeyMaterial.NewSigningSecret())),
            "missing sub" => HandMadeTokens.Sign(header, $$"""{"iat":{{now}},"exp":{{now + 60}}}""", secret),
            "missing exp" => HandMadeTokens.Sign(header, $$"""{"sub":"u","iat":{{now}}}""", secret),
            "lifetime over an hour" => HandMadeTokens.Sign(header, HandMadeTokens.Claims(now, now + 3601), secret),
            "iat in the future" => HandMadeTokens.Sign(header, HandMadeTokens.Claims(now + 600, now + 900), secret),
            _ => "not-a-jwt",
        };
        var trace = TraceEvents.Valid();

        var response = await Client.SendAsync(FromBrowser(trace, key.Summary.PublishableKey, AllowedOrigin, token));

        await ApiAssert.Error(response, HttpStatusCode.Unauthorized, "identity_token_invalid");
        Assert.Equal(0, await fixture.CountTracesAsync((string)trace["trace_id"]!));

        static string ChangePayload(string good)
        {
            var parts = good.Split('.');
            var payload = JsonNode.Parse(Encoding.UTF8.GetString(System.Buffers.Text.Base64Url.DecodeFromChars(parts[1])))!;
            payload["sub"] = "someone-else";
            return $"{parts[0]}.{HandMadeTokens.Encode(payload.ToJsonString())}.{parts[2]}";
        }
    }

    [Fact]
    public async Task AKeyThatRequiresAnIdentityTokenRefusesBrowserRequestsWithoutAValidOneAndCountsThem()
    {
        var (project, key) = await BrowserKeyAsync(AllowedOrigin);
        var pk = key.Summary.PublishableKey;
        Assert.Equal(HttpStatusCode.Accepted, (await Client.SendAsync(FromBrowser(TraceEvents.Valid(), pk, AllowedOrigin))).StatusCode);

        Assert.Equal(OriginChangeOutcome.Done, await project.SetRequireIdentityToken(MentioraApp.Owner, key.Summary.Id, true));
        Assert.Equal(OriginChangeOutcome.Unchanged, await project.SetRequireIdentityToken(MentioraApp.Owner, key.Summary.Id, true));
        Assert.Equal(OriginChangeOutcome.NotFound, await project.SetRequireIdentityToken("stranger@example.com", key.Summary.Id, false));
        var anonymous = TraceEvents.Valid();
        var refused = await Client.SendAsync(FromBrowser(anonymous, pk, AllowedOrigin));
        var forged = await Client.SendAsync(FromBrowser(TraceEvents.Valid(), pk, AllowedOrigin,
            HandMadeTokens.Sign(HandMadeTokens.Hs256Header, HandMadeTokens.Claims(DateTimeOffset.UtcNow.ToUnixTimeSeconds(), DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 60), Encoding.UTF8.GetBytes(ApiKeyMaterial.NewSigningSecret()))));
        var signedIn = TraceEvents.Valid();
        var accepted = await Client.SendAsync(FromBrowser(signedIn, pk, AllowedOrigin, Token(key, "customer-9")));

        var error = await ApiAssert.Error(refused, HttpStatusCode.Unauthorized, "identity_token_invalid");
        Assert.Equal(
            "The identity token was refused: this publishable key requires an identity token, and none was sent in X-Mentiora-Identity-Token. Sign it on your server with this API key's signing secret (HS256, claims sub, iat and exp at most one hour apart).",
            (string?)error["message"]);
        Assert.Equal(AllowedOrigin, refused.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Equal(0, await fixture.CountTracesAsync((string)anonymous["trace_id"]!));
        await ApiAssert.Error(forged, HttpStatusCode.Unauthorized, "identity_token_invalid");
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.Equal("customer-9", (await fixture.StoredTraceAsync((string)signedIn["span_id"]!))["end_user_id"]);
        // The secret key is not a browser key: the switch does not concern it.
        Assert.Equal(HttpStatusCode.Accepted, (await Client.SendAsync(TraceEvents.Post(TraceEvents.Valid(), key.Key))).StatusCode);

        // The owner sees both refusals in Key usage (each silo reports its counts about once a second).
        var deadline = DateTime.UtcNow.AddSeconds(15);
        long counted;
        do
        {
            await Task.Delay(200);
            var usage = await project.GetKeyUsage(MentioraApp.Owner, key.Summary.Id);
            counted = usage!.Refusals.Where(r => r.Reason == Mentiora.Grains.Usage.KeyRefusalReason.IdentityTokenInvalid).Sum(r => r.Count);
        }
        while (counted < 2 && DateTime.UtcNow < deadline);
        Assert.Equal(2, counted);

        Assert.Equal(OriginChangeOutcome.Done, await project.SetRequireIdentityToken(MentioraApp.Owner, key.Summary.Id, false));
        Assert.Equal(HttpStatusCode.Accepted, (await Client.SendAsync(FromBrowser(TraceEvents.Valid(), pk, AllowedOrigin))).StatusCode);
    }

    [Fact]
    public async Task ARevokedKeysPublishableKeyFailsAtOnce()
    {
        var (project, key) = await BrowserKeyAsync(AllowedOrigin);
        Assert.Equal(HttpStatusCode.Accepted, (await Client.SendAsync(FromBrowser(TraceEvents.Valid(), key.Summary.PublishableKey, AllowedOrigin))).StatusCode);

        await project.RevokeApiKey(MentioraApp.Owner, key.Summary.Id);

        await ApiAssert.Error(await Client.SendAsync(FromBrowser(TraceEvents.Valid(), key.Summary.PublishableKey, AllowedOrigin)),
            HttpStatusCode.Unauthorized, "invalid_api_key");
    }

    [Fact]
    public async Task TheMintEndpointSignsTokensThatBrowsersCanUse()
    {
        var (_, key) = await BrowserKeyAsync(AllowedOrigin);
        var mint = TraceEvents.Post("""{"user_id":"user-9","name":"Grace","email":"grace@example.com","ttl_seconds":120}""", key.Key);
        mint.RequestUri = new Uri("/api/v1/identity-tokens", UriKind.Relative);

        var response = await Client.SendAsync(mint);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        var expiresAt = DateTimeOffset.Parse((string)body["expires_at"]!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(expiresAt, DateTimeOffset.UtcNow.AddSeconds(100), DateTimeOffset.UtcNow.AddSeconds(125));
        var trace = TraceEvents.Valid();
        var sent = await Client.SendAsync(FromBrowser(trace, key.Summary.PublishableKey, AllowedOrigin, (string)body["token"]!));
        Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
        Assert.Equal("user-9", (await fixture.StoredTraceAsync((string)trace["span_id"]!))["end_user_id"]);
    }

    [Theory]
    [InlineData("""{"name":"no id"}""", "user_id")]
    [InlineData("""{"user_id":"u","ttl_seconds":3601}""", "ttl_seconds")]
    [InlineData("""{"user_id":"u","ttl_seconds":0}""", "ttl_seconds")]
    [InlineData("""{"user_id":42}""", "user_id")]
    public async Task TheMintEndpointNamesWhatIsWrong(string body, string field)
    {
        var (_, key) = await BrowserKeyAsync();
        var mint = TraceEvents.Post(body, key.Key);
        mint.RequestUri = new Uri("/api/v1/identity-tokens", UriKind.Relative);

        var error = await ApiAssert.Error(await Client.SendAsync(mint), HttpStatusCode.BadRequest, "invalid_request");

        Assert.True(error["details"]!.AsObject().ContainsKey(field));
    }

    [Fact]
    public async Task APublishableKeyMayNotMintTokens()
    {
        var (_, key) = await BrowserKeyAsync(AllowedOrigin);
        var mint = FromBrowser(new JsonObject { ["user_id"] = "u" }, key.Summary.PublishableKey, AllowedOrigin);
        mint.RequestUri = new Uri("/api/v1/identity-tokens", UriKind.Relative);

        await ApiAssert.Error(await Client.SendAsync(mint), HttpStatusCode.Forbidden, "insufficient_permissions");
    }
}

public sealed class BrowserModeApiOnEmbeddedStorage(EmbeddedIngestionAppFixture fixture)
    : BrowserModeApiTests(fixture), IClassFixture<EmbeddedIngestionAppFixture>;

public sealed class BrowserModeApiOnPostgres(PostgresIngestionAppFixture fixture)
    : BrowserModeApiTests(fixture), IClassFixture<PostgresIngestionAppFixture>;
