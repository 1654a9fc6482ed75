using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mentiora.Tests.Infrastructure;

/// <summary>
/// Steady trace traffic from several clients at once, like SDKs in production, bounded in time and
/// in count so a hung service cannot hold a test forever. Every answer is kept with its time, and the
/// id of every trace answered 202, to compare with what the database holds afterwards.
/// </summary>
public sealed class TraceLoad : IAsyncDisposable
{
    /// <summary>How long one request may wait for its answer; an SDK gives up and retries after that.</summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    private readonly HttpClient _http;
    private readonly Stopwatch _clock;
    private readonly CancellationTokenSource _stop;
    private readonly ConcurrentQueue<TraceAnswer> _answers = new();
    private readonly ConcurrentQueue<Guid> _acknowledged = new();
    private int _sent;

    private TraceLoad(HttpClient http, Stopwatch clock, TimeSpan longest)
    {
        _http = http;
        _clock = clock;
        _stop = new CancellationTokenSource(longest);
        Completion = Task.CompletedTask;
    }

    /// <summary>Ends when every client has stopped.</summary>
    public Task Completion { get; private set; }

    /// <summary>Every answer so far, in no particular order.</summary>
    public IReadOnlyCollection<TraceAnswer> Answers => _answers.ToArray();

    /// <summary>The trace id of every event answered 202 so far.</summary>
    public IReadOnlyCollection<Guid> Acknowledged => _acknowledged.ToArray();

    /// <summary>
    /// Starts <paramref name="clients"/> loops that each send one valid event to <paramref name="target"/> with
    /// <paramref name="key"/>, wait for the answer, pause <paramref name="pause"/> and go again, until
    /// <see cref="StopAsync"/>, <paramref name="longest"/> or <paramref name="maxRequests"/> requests in all.
    /// Times are read on <paramref name="clock"/>, so several loads and the faults line up.
    /// </summary>
    public static TraceLoad Start(Uri target, string key, Stopwatch clock, int clients, TimeSpan pause, TimeSpan longest, int maxRequests)
    {
        // Connections are cut by the faults on purpose; a fresh one is made whenever one broke.
        var http = new HttpClient(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(5) })
        {
            BaseAddress = target,
            Timeout = RequestTimeout,
        };
        var load = new TraceLoad(http, clock, longest);
        load.Completion = Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(() => load.ClientAsync(key, pause, maxRequests))));
        return load;
    }

    /// <summary>
    /// The first 202 after <paramref name="since"/> after which nothing but 202 came: when service was
    /// back for good, as far as this load saw. Null while failures still come or no 202 came yet.
    /// </summary>
    public TimeSpan? ResumedAfter(TimeSpan since)
    {
        var later = Answers.Where(a => a.AnsweredAt >= since).OrderBy(a => a.AnsweredAt).ToList();
        var lastFailure = later.LastOrDefault(a => !a.Accepted);
        var firstAcceptedAfterIt = later.FirstOrDefault(a => a.Accepted && (lastFailure is null || a.AnsweredAt >= lastFailure.AnsweredAt));
        return firstAcceptedAfterIt?.AnsweredAt;
    }

    /// <summary>Counts per outcome, e.g. "2345×202, 12×503 unavailable: …, 3×connection error".</summary>
    public string Summary() =>
        string.Join(", ", Answers.GroupBy(a => a.Outcome).OrderByDescending(g => g.Count()).Select(g => $"{g.Count()}×{g.Key}"));

    /// <summary>Asks every client to stop after its current request, and waits for them.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Completion;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
        _http.Dispose();
    }

    private async Task ClientAsync(string key, TimeSpan pause, int maxRequests)
    {
        while (!_stop.IsCancellationRequested && Interlocked.Increment(ref _sent) <= maxRequests)
        {
            var trace = TraceEvents.Valid();
            var answer = await SendAsync(trace, key);
            _answers.Enqueue(answer);
            if (answer.Accepted)
            {
                _acknowledged.Enqueue(Guid.Parse((string)trace["trace_id"]!));
            }

            if (pause > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(pause, _stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    // Not cancelled by StopAsync: a request in flight gets its answer, so a 202 is never missed.
    private async Task<TraceAnswer> SendAsync(JsonObject trace, string key)
    {
        try
        {
            using var response = await _http.SendAsync(TraceEvents.Post(trace, key));
            var status = (int)response.StatusCode;
            if (response.StatusCode == HttpStatusCode.Accepted)
            {
                return new TraceAnswer(_clock.Elapsed, "202", Accepted: true, Breach: null);
            }

            var body = await response.Content.ReadAsStringAsync();
            var code = ErrorCode(body, out var message);
            var outcome = $"{status.ToString(CultureInfo.InvariantCulture)} {code ?? "(no JSON error)"}{(message is null ? string.Empty : $": {message}")}";
            string? breach = null;
            if (response.StatusCode != HttpStatusCode.ServiceUnavailable)
            {
                breach = $"answered {status}, which an SDK does not retry: {Shorten(body)}";
            }
            else if (response.Headers.RetryAfter is null)
            {
                breach = $"a 503 without Retry-After: {Shorten(body)}";
            }
            else if (response.Content.Headers.ContentType?.MediaType != "application/json" || code is null || string.IsNullOrWhiteSpace(message))
            {
                breach = $"a 503 that is not the JSON error {{\"error\":{{\"code\":…,\"message\":…}}}} (Content-Type {response.Content.Headers.ContentType}): {Shorten(body)}";
            }

            return new TraceAnswer(_clock.Elapsed, outcome, Accepted: false, breach);
        }
        catch (HttpRequestException)
        {
            return new TraceAnswer(_clock.Elapsed, "connection error", Accepted: false, Breach: null);
        }
        catch (TaskCanceledException)
        {
            return new TraceAnswer(_clock.Elapsed, $"no answer within {RequestTimeout.TotalSeconds:0} s", Accepted: false, Breach: null);
        }
    }

    private static string? ErrorCode(string body, out string? message)
    {
        message = null;
        try
        {
            var error = JsonNode.Parse(body)?["error"];
            message = (string?)error?["message"];
            return (string?)error?["code"];
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return null;
        }
    }

    private static string Shorten(string body) => body.Length <= 200 ? body : body[..200] + "…";
}
