using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Mentiora.Grains.Keys;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

using Mentiora.Harness.Ports;

namespace Mentiora.Tests.Infrastructure;

/// <summary>
/// A customer's web app, on two Kestrel ports of its own (two origins): a page whose script sends
/// traces to Mentiora with a publishable key, like the browser SDK, and a server endpoint that
/// mints identity tokens for its signed-in user through Mentiora's mint API with the secret key.
/// </summary>
public sealed class CustomerSite : IAsyncDisposable
{
    private readonly WebApplication _app;

    private CustomerSite(WebApplication app, Uri first, Uri second)
    {
        _app = app;
        FirstOrigin = first;
        SecondOrigin = second;
    }

    /// <summary>The site on its first port.</summary>
    public Uri FirstOrigin { get; }

    /// <summary>The same site on its second port: another origin to browsers.</summary>
    public Uri SecondOrigin { get; }

    /// <summary>Starts the site for a Mentiora server, a key's publishable key, secret key and signing secret, and the end user it signs in.</summary>
    public static async Task<CustomerSite> StartAsync(Uri mentiora, CreatedApiKeyMaterial key, EndUser user)
    {
        var ports = (First: FreePort.Next(), Second: FreePort.Next());
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{ports.First}", $"http://127.0.0.1:{ports.Second}");
        var app = builder.Build();
        var mentioraApi = new HttpClient { BaseAddress = mentiora };

        app.MapGet("/", () => Results.Content(Page(mentiora, key.PublishableKey), "text/html"));

        // The customer's server: ?expired=1 hands out a token that expired ten minutes ago, to see the page refresh it.
        app.MapGet("/api/mentiora-token", async (HttpRequest request) =>
        {
            if (request.Query.ContainsKey("expired"))
            {
                var stale = IdentityTokens.Mint(user, IdentityTokens.SigningKey(key.SigningSecret), DateTimeOffset.UtcNow.AddMinutes(-20), TimeSpan.FromMinutes(10));
                return Results.Json(new { token = stale });
            }

            using var mint = new HttpRequestMessage(HttpMethod.Post, "/api/v1/identity-tokens")
            {
                Content = JsonContent.Create(new { user_id = user.Id, name = user.Name, email = user.Email, ttl_seconds = 300 }),
            };
            mint.Headers.Authorization = new("Bearer", key.SecretKey);
            var response = await mentioraApi.SendAsync(mint);
            var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            return Results.Json(new { token = (string?)body["token"] });
        });

        await app.StartAsync();
        return new CustomerSite(app, new Uri($"http://127.0.0.1:{ports.First}"), new Uri($"http://127.0.0.1:{ports.Second}"));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    // What the browser SDK does: fetch a token from the site's server, send the trace with the
    // publishable key, and on a 401 fetch a fresh token once and retry.
    private static string Page(Uri mentiora, string publishableKey) => $$"""
        <!doctype html>
        <html lang="en">
        <head><meta charset="utf-8"><title>Customer app</title></head>
        <body>
        <h1>Customer app</h1>
        <script>
        const mentiora = '{{mentiora.GetLeftPart(UriPartial.Authority)}}';
        const publishableKey = '{{publishableKey}}';
        window.attempts = [];
        window.tokenQuery = '';
        async function identityToken() {
          const response = await fetch('/api/mentiora-token' + window.tokenQuery);
          window.tokenQuery = '';
          return (await response.json()).token;
        }
        async function send(trace, token, retried) {
          const response = await fetch(mentiora + '/api/v1/traces', {
            method: 'POST',
            headers: { 'Authorization': 'Bearer ' + publishableKey, 'Content-Type': 'application/json', 'X-Mentiora-Identity-Token': token },
            body: JSON.stringify(trace),
          });
          const attempt = { status: response.status, body: await response.json() };
          window.attempts.push(attempt);
          if (response.status === 401 && !retried) {
            return send(trace, await identityToken(), true);
          }
          return attempt;
        }
        window.sendTrace = async (trace) => send(trace, await identityToken(), false);
        </script>
        </body>
        </html>
        """;
}
