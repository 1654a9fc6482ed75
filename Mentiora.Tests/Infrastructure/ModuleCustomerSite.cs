using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Mentiora.Grains.Keys;
using Mentiora.Harness.Ports;
using Mentiora.Web.Sdk;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Mentiora.Tests.Infrastructure;

/// <summary>
/// A customer's web app on an origin of its own whose page imports <c>/sdk/mentiora-browser.js</c>
/// from Mentiora's URL and sends traces with it; its server hands the page identity tokens (fresh
/// ones from Mentiora's mint API, or expired ones on request) and, to see the module retry, has a
/// stand-in for the trace endpoint that answers what a test scripts.
/// </summary>
public sealed class ModuleCustomerSite : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<(int Status, string Code, string? RetryAfter)> _scripted = new();
    private readonly ConcurrentQueue<DateTimeOffset> _standInRequests = new();
    private int _expiredTokensToServe;
    private int _tokensServed;

    private ModuleCustomerSite(WebApplication app, Uri origin)
    {
        _app = app;
        Origin = origin;
    }

    /// <summary>The site's origin (another origin than Mentiora's).</summary>
    public Uri Origin { get; }

    /// <summary>How many identity tokens the site's server has handed out.</summary>
    public int TokensServed => Volatile.Read(ref _tokensServed);

    /// <summary>When the stand-in trace endpoint was called, in order.</summary>
    public IReadOnlyList<DateTimeOffset> StandInRequests => [.. _standInRequests];

    /// <summary>Forgets what earlier tests scripted and counted.</summary>
    public void Reset()
    {
        _scripted.Clear();
        _standInRequests.Clear();
        Volatile.Write(ref _expiredTokensToServe, 0);
        Volatile.Write(ref _tokensServed, 0);
    }

    /// <summary>The next <paramref name="count"/> tokens the server hands out expired ten minutes ago (<see cref="int.MaxValue"/>: all of them).</summary>
    public void ServeExpiredTokens(int count) => Volatile.Write(ref _expiredTokensToServe, count);

    /// <summary>The stand-in trace endpoint answers these first, in order, then 202 to everything.</summary>
    public void ScriptStandInAnswers(params (int Status, string Code, string? RetryAfter)[] answers)
    {
        foreach (var answer in answers)
        {
            _scripted.Enqueue(answer);
        }
    }

    /// <summary>Starts the site for a Mentiora server, a key's publishable key, secret key and signing secret, and the end user it signs in.</summary>
    public static async Task<ModuleCustomerSite> StartAsync(Uri mentiora, CreatedApiKeyMaterial key, EndUser user)
    {
        var port = FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        var site = new ModuleCustomerSite(app, new Uri($"http://127.0.0.1:{port}"));
        var mentioraApi = new HttpClient { BaseAddress = mentiora };

        app.MapGet("/", () => Results.Content(Page(mentiora, key.PublishableKey), "text/html"));

        // The customer's server: signs its user in to Mentiora through the mint API with the secret key.
        app.MapGet("/api/mentiora-token", async () =>
        {
            Interlocked.Increment(ref site._tokensServed);
            if (Interlocked.Decrement(ref site._expiredTokensToServe) >= 0)
            {
                var stale = IdentityTokens.Mint(user, IdentityTokens.SigningKey(key.SigningSecret), DateTimeOffset.UtcNow.AddMinutes(-20), TimeSpan.FromMinutes(10));
                return Results.Json(new { token = stale });
            }

            Interlocked.Exchange(ref site._expiredTokensToServe, 0);
            using var mint = new HttpRequestMessage(HttpMethod.Post, "/api/v1/identity-tokens")
            {
                Content = JsonContent.Create(new { user_id = user.Id, name = user.Name, email = user.Email, ttl_seconds = 300 }),
            };
            mint.Headers.Authorization = new("Bearer", key.SecretKey);
            var response = await mentioraApi.SendAsync(mint);
            var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            return Results.Json(new { token = (string?)body["token"] });
        });

        // Same origin as the page, so no CORS: it only shows what the module does with each answer.
        app.MapPost("/stand-in/api/v1/traces", (HttpResponse response) =>
        {
            site._standInRequests.Enqueue(DateTimeOffset.UtcNow);
            if (!site._scripted.TryDequeue(out var answer))
            {
                return Results.Json(new { success = true }, statusCode: StatusCodes.Status202Accepted);
            }

            if (answer.RetryAfter is not null)
            {
                response.Headers.RetryAfter = answer.RetryAfter;
            }

            return Results.Json(new { error = new { code = answer.Code, message = $"Scripted {answer.Code}." } }, statusCode: answer.Status);
        });

        await app.StartAsync();
        return site;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    // The page a customer writes from the README: import the module from Mentiora, give it the
    // publishable key and a way to fetch a token. Each send's outcome is handed back to the test.
    private static string Page(Uri mentiora, string publishableKey) => $$"""
        <!doctype html>
        <html lang="en">
        <head><meta charset="utf-8"><title>Customer app</title></head>
        <body>
        <h1>Customer app</h1>
        <script type="module">
        import { createMentioraBrowserClient, version } from '{{mentiora.GetLeftPart(UriPartial.Authority)}}{{BrowserSdkFile.VersionedPath}}';
        const client = baseUrl => createMentioraBrowserClient({
          publishableKey: '{{publishableKey}}',
          baseUrl,
          getIdentityToken: async () => (await (await fetch('/api/mentiora-token')).json()).token,
        });
        const mentiora = client('{{mentiora.GetLeftPart(UriPartial.Authority)}}');
        const standIn = client(location.origin + '/stand-in');
        async function outcome(sending) {
          try {
            return { ok: true, answer: await sending };
          } catch (e) {
            return { ok: false, name: e.name, code: e.code, message: e.message, status: e.status };
          }
        }
        window.sendTrace = trace => outcome(mentiora.send(trace));
        window.sendTraceToStandIn = trace => outcome(standIn.send(trace));
        window.mentioraModuleVersion = version;
        </script>
        </body>
        </html>
        """;
}
