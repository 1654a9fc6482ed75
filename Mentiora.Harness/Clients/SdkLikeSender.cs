using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mentiora.Harness.Clients;

/// <summary>
/// Sends trace bodies to <c>POST /api/v1/traces</c> exactly as the published SDKs do (<see cref="SdkRetrySchedule"/>) and
/// records every attempt, so a test or the benchmark can tell what a real application would have seen: delivered, or
/// dropped at the client after the last retry.
/// </summary>
/// <remarks>
/// Usage: <c>using var sender = new SdkLikeSender(cluster.Url, key, clock, seed: 1);</c> then
/// <c>var delivery = await sender.SendAsync(SdkTraceEvents.Valid().ToJsonString());</c>. Thread-safe: many clients may share one
/// sender (and its connection pool), as the threads of one application share an SDK instance.
/// </remarks>
public sealed class SdkLikeSender : IDisposable
{
    private const int KeptBodyCharacters = 300;

    private readonly HttpClient _http;
    private readonly string _apiKey;
    private readonly Stopwatch _clock;
    private readonly Random _random;
    private readonly System.Collections.Concurrent.ConcurrentQueue<DeliveryAttempt> _attempts = new();

    /// <summary>A sender to <paramref name="baseAddress"/> with <paramref name="apiKey"/>; times are read on <paramref name="clock"/>.</summary>
    public SdkLikeSender(Uri baseAddress, string apiKey, Stopwatch clock, int? seed = null, SdkRetrySchedule? schedule = null)
    {
        Schedule = schedule ?? SdkRetrySchedule.Published;
        _apiKey = apiKey;
        _clock = clock;
        _random = seed is { } s ? new Random(s) : new Random();
        // The attempt timeout is applied per attempt below; the client's own would cut the retries' waits too.
        _http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            BaseAddress = baseAddress,
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    /// <summary>The retry schedule this sender follows.</summary>
    public SdkRetrySchedule Schedule { get; }

    /// <summary>Every attempt that has ended so far, of every delivery (also those still retrying), in no particular order.</summary>
    public IReadOnlyList<DeliveryAttempt> Attempts => _attempts.ToArray();

    /// <summary>
    /// Sends <paramref name="jsonBody"/> (one event or an array of them), retrying as the SDKs do, and tells what became of it.
    /// <paramref name="cancellation"/> abandons the delivery (it throws), which an SDK never does: use it only to abort a run.
    /// </summary>
    public async Task<Delivery> SendAsync(string jsonBody, CancellationToken cancellation = default)
    {
        var attempts = new List<DeliveryAttempt>();
        var startedAt = _clock.Elapsed;
        for (var attempt = 0; ; attempt++)
        {
            var result = await AttemptAsync(jsonBody, cancellation);
            attempts.Add(result);
            _attempts.Enqueue(result);
            if (result.Accepted) return new Delivery(true, startedAt, _clock.Elapsed - startedAt, attempts);
            if (!result.Retryable || attempt >= Schedule.Retries) return new Delivery(false, startedAt, _clock.Elapsed - startedAt, attempts);
            await Task.Delay(WaitBefore(attempt + 1, result), cancellation);
        }
    }

    /// <summary>Describes an answer as an attempt record (its body read and the start of it kept when it is not a 2xx).</summary>
    public static async Task<DeliveryAttempt> DescribeAsync(HttpResponseMessage response, TimeSpan startedAt, Stopwatch clock, CancellationToken cancellation)
    {
        var status = (int)response.StatusCode;
        var contentType = response.Content.Headers.ContentType?.MediaType;
        var retryAfter = response.Headers.RetryAfter is not null;
        double? retryAfterSeconds = response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta.TotalSeconds,
            { Date: { } date } => Math.Max(0, (date - DateTimeOffset.UtcNow).TotalSeconds),
            _ => null,
        };
        if (status is >= 200 and < 300)
        {
            await response.Content.LoadIntoBufferAsync(cancellation);
            return new DeliveryAttempt(startedAt, clock.Elapsed - startedAt, status, AttemptFailure.None, null, null, retryAfter, retryAfterSeconds, contentType, null);
        }

        var body = await response.Content.ReadAsStringAsync(cancellation);
        var (code, message) = ErrorOf(body);
        return new DeliveryAttempt(startedAt, clock.Elapsed - startedAt, status, AttemptFailure.None, code, message, retryAfter, retryAfterSeconds, contentType,
            body.Length <= KeptBodyCharacters ? body : body[..KeptBodyCharacters] + "…");
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();

    private async Task<DeliveryAttempt> AttemptAsync(string jsonBody, CancellationToken cancellation)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        timeout.CancelAfter(Schedule.AttemptTimeout);
        var startedAt = _clock.Elapsed;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/traces")
            {
                Content = new StringContent(jsonBody, Encoding.UTF8, "application/json"),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _apiKey);
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            return await DescribeAsync(response, startedAt, _clock, timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
        {
            return Failed(startedAt, AttemptFailure.Timeout);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            return Failed(startedAt, AttemptFailure.LostConnection);
        }
    }

    private DeliveryAttempt Failed(TimeSpan startedAt, AttemptFailure failure) =>
        new(startedAt, _clock.Elapsed - startedAt, null, failure, null, null, false, null, null, null);

    // The SDKs honour Retry-After on 429 only; on 5xx they keep to their own schedule.
    private TimeSpan WaitBefore(int retry, DeliveryAttempt failed)
    {
        if (failed.Status == 429 && failed.RetryAfterPresent && failed.RetryAfterSeconds is { } seconds) return TimeSpan.FromSeconds(seconds);
        double random;
        lock (_random) random = _random.NextDouble();
        return Schedule.WaitBefore(retry, random);
    }

    private static (string? Code, string? Message) ErrorOf(string body)
    {
        try
        {
            var error = JsonNode.Parse(body)?["error"];
            return (error?["code"]?.GetValueKind() == JsonValueKind.String ? (string?)error["code"] : null,
                error?["message"]?.GetValueKind() == JsonValueKind.String ? (string?)error["message"] : null);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return (null, null);
        }
    }
}
