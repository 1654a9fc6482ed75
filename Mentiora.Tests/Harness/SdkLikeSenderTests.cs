using System.Diagnostics;
using Mentiora.Harness.Clients;
using Mentiora.Harness.Ports;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Mentiora.Tests.Harness;

/// <summary>
/// The client the fault tests and the benchmark judge the platform with retries exactly like the published SDKs: if it
/// retried more or longer, faults that lose traces with real SDKs would pass. Checked against a tiny server that answers
/// as told.
/// </summary>
public sealed class SdkLikeSenderTests
{
    private const string Body = """{"trace_id":"x"}""";

    [Fact]
    public async Task A503IsRetriedThreeTimesAfterUpToOneThenTwoThenFourSecondsIgnoringRetryAfterThenTheTraceIsDropped()
    {
        await using var server = await AnsweringServer.StartAsync(_ => (503, "30"));
        var clock = Stopwatch.StartNew();
        using var sender = new SdkLikeSender(server.Url, "mentiora_test_key", clock, seed: 7);

        var delivery = await sender.SendAsync(Body);

        Assert.False(delivery.Delivered);
        Assert.Equal(4, delivery.Attempts.Count);
        Assert.All(delivery.Attempts, a => Assert.Equal(503, a.Status));
        var waits = delivery.Attempts.Zip(delivery.Attempts.Skip(1), (a, b) => b.StartedAt - a.EndedAt).ToList();
        // The schedule, not Retry-After (30 s); the upper bounds leave a loaded machine room without blurring 2 s and 4 s.
        Assert.InRange(waits[0].TotalSeconds, 0, 1.8);
        Assert.InRange(waits[1].TotalSeconds, 1.9, 3.5);
        Assert.InRange(waits[2].TotalSeconds, 3.9, 5.5);
        Assert.Equal(4, server.Requests);
        Assert.Equal("Bearer mentiora_test_key", server.LastAuthorization);
    }

    [Fact]
    public async Task A429IsRetriedAfterItsRetryAfterAndA400IsNotRetriedAtAll()
    {
        await using var server = await AnsweringServer.StartAsync(n => n == 1 ? (429, "1") : (202, null));
        var clock = Stopwatch.StartNew();
        using var sender = new SdkLikeSender(server.Url, "key", clock, seed: 7);

        var delivery = await sender.SendAsync(Body);

        Assert.True(delivery.Delivered);
        Assert.Equal([429, 202], delivery.Attempts.Select(a => a.Status));
        Assert.True(delivery.Attempts[1].StartedAt - delivery.Attempts[0].EndedAt >= TimeSpan.FromSeconds(0.95), "Retry-After: 1 on a 429 should be waited for");

        await using var refusing = await AnsweringServer.StartAsync(_ => (400, null));
        using var refused = new SdkLikeSender(refusing.Url, "key", clock);
        var invalid = await refused.SendAsync(Body);
        Assert.False(invalid.Delivered);
        Assert.Single(invalid.Attempts);
    }

    [Fact]
    public async Task ALostConnectionIsRetriedAndRecordedAsSuch()
    {
        await using var server = await AnsweringServer.StartAsync(n => n == 1 ? (0, null) : (202, null));
        using var sender = new SdkLikeSender(server.Url, "key", Stopwatch.StartNew(), seed: 7);

        var delivery = await sender.SendAsync(Body);

        Assert.True(delivery.Delivered);
        Assert.Equal([AttemptFailure.LostConnection, AttemptFailure.None], delivery.Attempts.Select(a => a.Failure));
    }

    // Answers request n (1-based) with the status and Retry-After the function gives; status 0 cuts the connection instead.
    private sealed class AnsweringServer : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private int _requests;

        private AnsweringServer(WebApplication app, Uri url)
        {
            _app = app;
            Url = url;
        }

        public Uri Url { get; }

        public int Requests => Volatile.Read(ref _requests);

        public string? LastAuthorization { get; private set; }

        public static async Task<AnsweringServer> StartAsync(Func<int, (int Status, string? RetryAfter)> answer)
        {
            var port = FreePort.Next();
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
            var app = builder.Build();
            var server = new AnsweringServer(app, new Uri($"http://127.0.0.1:{port}"));
            app.MapPost("/api/v1/traces", async context =>
            {
                server.LastAuthorization = context.Request.Headers.Authorization;
                var (status, retryAfter) = answer(Interlocked.Increment(ref server._requests));
                if (status == 0)
                {
                    context.Abort();
                    return;
                }

                context.Response.StatusCode = status;
                if (retryAfter is not null) context.Response.Headers.RetryAfter = retryAfter;
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync(status == 202 ? """{"success":true}""" : """{"error":{"code":"unavailable","message":"Try again."}}""");
            });
            await app.StartAsync();
            return server;
        }

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }
}
