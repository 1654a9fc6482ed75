// A fixed-rate (open-loop) load generator for POST /api/v1/traces that corrects for coordinated
// omission: request i is due at start + i / rate whether or not earlier answers have come back,
// and its latency is measured from that due time, not from when it was actually sent. A server
// that stalls for 100 ms therefore shows 100 ms of latency on every request it held up, as real
// SDK traffic would see it; a closed-loop tool (wrk, hey) would send less during the stall and
// report a few slow requests instead.
//
//   dotnet LoadGen.dll --url http://127.0.0.1:5080 --rate 2000 --duration 10s [--warmup 2s]
//                      [--key KEY] [--payload bench/payload/sdk-event.json] [--connections 256]
//
// Prints a summary and one machine-readable line starting with "LOADGEN" (latencies in µs).
// Warm-up requests are sent at the same rate and counted in the status totals (they are stored
// too), but not in the latency percentiles.

using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.InteropServices;
using Mentiora.Bench.LoadGen;

// The generator shares the machine with the server it measures, so its CPU is taken from the
// server. Letting socket completions run on the thread that polls the sockets, instead of handing
// each one to the thread pool, cut its CPU per request by more than half here (fewer thread
// wake-ups, which are expensive on a VM). Read once, when the first socket is used.
Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");

Options options;
try
{
    options = Options.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"LoadGen: {e.Message}");
    Console.Error.WriteLine("usage: LoadGen --url URL --rate N --duration 10s [--warmup 2s] [--key KEY] [--payload FILE] [--connections N]");
    return 2;
}

var payload = Payload.Load(options.PayloadPath);
using var handler = new SocketsHttpHandler
{
    MaxConnectionsPerServer = options.Connections,
    UseProxy = false,
    UseCookies = false,
    AutomaticDecompression = DecompressionMethods.None,
    ConnectTimeout = TimeSpan.FromSeconds(5),
};
using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
var target = new Uri(options.Url.TrimEnd('/') + "/api/v1/traces");
var contentType = new MediaTypeHeaderValue("application/json");
var authorization = options.Key is null ? null : new AuthenticationHeaderValue("Bearer", options.Key);

var warmupCount = (int)Math.Round(options.Rate * options.Warmup.TotalSeconds);
var total = warmupCount + (int)Math.Round(options.Rate * options.Duration.TotalSeconds);
var latencies = new long[total]; // Stopwatch ticks from the due time to the whole answer; -1 when it failed
var lags = new long[total];      // Stopwatch ticks from the due time to the send
var statuses = new int[600];
var failures = 0;
var tasks = new Task[total];
var ticksPerRequest = Stopwatch.Frequency / options.Rate;

// Sleeping in small steps keeps sends close to their due times without spinning a core that the
// server under test needs; the lag percentiles below show how close they were.
var start = Stopwatch.GetTimestamp() + Stopwatch.Frequency / 100;
for (var i = 0; i < total; i++)
{
    var due = start + (long)(i * ticksPerRequest);
    while (true)
    {
        var wait = due - Stopwatch.GetTimestamp();
        if (wait <= 0)
        {
            break;
        }

        var micros = wait * 1_000_000 / Stopwatch.Frequency;
        if (micros > 60)
        {
            Native.Sleep(Math.Min(micros - 50, 1000));
        }
        else
        {
            Thread.SpinWait(20);
        }
    }

    lags[i] = Stopwatch.GetTimestamp() - due;
    tasks[i] = SendAsync(i, due);
}

await Task.WhenAll(tasks);
var elapsed = Stopwatch.GetElapsedTime(start);

var measured = latencies.AsSpan(warmupCount).ToArray().Where(l => l >= 0).Order().ToArray();
var measuredLags = lags.AsSpan(warmupCount).ToArray().Order().ToArray();
long Micros(long ticks) => ticks * 1_000_000 / Stopwatch.Frequency;
long Percentile(long[] sorted, double p) => sorted.Length == 0 ? 0 : Micros(sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p / 100 * sorted.Length) - 1)]);
var others = statuses.Select((count, status) => (count, status)).Where(s => s.status is not (202 or 400 or 401 or 503)).Sum(s => s.count);

Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"{total} requests at {options.Rate:0.#}/s ({warmupCount} warm-up), {elapsed.TotalSeconds:0.00} s: 202 {statuses[202]}, 400 {statuses[400]}, " +
    $"401 {statuses[401]}, 503 {statuses[503]}, other {others}, failed {failures}"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"latency from due time: p50 {Percentile(measured, 50) / 1000.0:0.00} ms, p90 {Percentile(measured, 90) / 1000.0:0.00} ms, " +
    $"p99 {Percentile(measured, 99) / 1000.0:0.00} ms, p99.9 {Percentile(measured, 99.9) / 1000.0:0.00} ms, max {Percentile(measured, 100) / 1000.0:0.00} ms; " +
    $"send lag p99 {Percentile(measuredLags, 99) / 1000.0:0.00} ms; own GC pauses {GC.GetTotalPauseDuration().TotalMilliseconds:0} ms in {GC.CollectionCount(0)} collections"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"LOADGEN rate={options.Rate:0.#} sent={total} measured={measured.Length} s202={statuses[202]} s400={statuses[400]} s401={statuses[401]} " +
    $"s503={statuses[503]} sother={others} failed={failures} p50_us={Percentile(measured, 50)} p90_us={Percentile(measured, 90)} " +
    $"p99_us={Percentile(measured, 99)} p999_us={Percentile(measured, 99.9)} max_us={Percentile(measured, 100)} " +
    $"lag_p50_us={Percentile(measuredLags, 50)} lag_p99_us={Percentile(measuredLags, 99)} elapsed_us={(long)elapsed.TotalMicroseconds}"));
return 0;

async Task SendAsync(int index, long due)
{
    try
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, target) { Content = new ByteArrayContent(payload.Next()) };
        request.Content.Headers.ContentType = contentType;
        request.Headers.Authorization = authorization;
        request.Headers.ExpectContinue = false;
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead);
        latencies[index] = Stopwatch.GetTimestamp() - due;
        Interlocked.Increment(ref statuses[Math.Clamp((int)response.StatusCode, 0, statuses.Length - 1)]);
    }
    catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
    {
        latencies[index] = -1;
        if (Interlocked.Increment(ref failures) == 1)
        {
            Console.Error.WriteLine($"LoadGen: first failed request: {e.Message}");
        }
    }
}

namespace Mentiora.Bench.LoadGen
{
    /// <summary>The command line.</summary>
    internal sealed record Options(string Url, double Rate, TimeSpan Duration, TimeSpan Warmup, string? Key, string PayloadPath, int Connections)
    {
        public static Options Parse(string[] args)
        {
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < args.Length; i += 2)
            {
                if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
                {
                    throw new ArgumentException($"expected '--name value' pairs, got '{args[i]}'");
                }

                values[args[i][2..]] = args[i + 1];
            }

            string Required(string name) => values.TryGetValue(name, out var v) ? v : throw new ArgumentException($"--{name} is required");
            var rate = double.Parse(Required("rate"), CultureInfo.InvariantCulture);
            if (rate <= 0)
            {
                throw new ArgumentException("--rate must be above 0");
            }

            var defaultPayload = Path.Combine(AppContext.BaseDirectory, "../../../../payload/sdk-event.json");
            return new Options(
                Required("url"),
                rate,
                Seconds(Required("duration")),
                Seconds(values.GetValueOrDefault("warmup", "2s")),
                values.GetValueOrDefault("key"),
                values.GetValueOrDefault("payload", defaultPayload),
                int.Parse(values.GetValueOrDefault("connections", "256"), CultureInfo.InvariantCulture));
        }

        // "10s", "1m" or plain seconds, as bench/run.sh and wrk take them.
        private static TimeSpan Seconds(string text) => text switch
        {
            _ when text.EndsWith("ms", StringComparison.Ordinal) => TimeSpan.FromMilliseconds(double.Parse(text[..^2], CultureInfo.InvariantCulture)),
            _ when text.EndsWith('s') => TimeSpan.FromSeconds(double.Parse(text[..^1], CultureInfo.InvariantCulture)),
            _ when text.EndsWith('m') => TimeSpan.FromMinutes(double.Parse(text[..^1], CultureInfo.InvariantCulture)),
            _ => TimeSpan.FromSeconds(double.Parse(text, CultureInfo.InvariantCulture)),
        };
    }

    /// <summary>
    /// The SDK event of bench/payload/sdk-event.json, laid out once; each request gets a copy with
    /// fresh UUIDv7 ids and current times written over the fixed-width placeholders' bytes.
    /// </summary>
    internal sealed class Payload
    {
        private const int UuidLength = 36;
        private const int TimeLength = 24;
        private const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

        private readonly byte[] _template;
        private readonly int[] _traceIds;
        private readonly int[] _spanIds;
        private readonly int[] _startTimes;
        private readonly int[] _endTimes;

        private Payload(byte[] template, Dictionary<string, List<int>> offsets)
        {
            _template = template;
            _traceIds = [.. offsets["trace_id"]];
            _spanIds = [.. offsets["span_id"]];
            _startTimes = [.. offsets["start_time"]];
            _endTimes = [.. offsets["end_time"]];
        }

        public static Payload Load(string path)
        {
            var text = File.ReadAllText(path).TrimEnd();
            var widths = new Dictionary<string, int>
            {
                ["trace_id"] = UuidLength, ["span_id"] = UuidLength, ["start_time"] = TimeLength, ["end_time"] = TimeLength,
            };
            var offsets = widths.Keys.ToDictionary(k => k, _ => new List<int>());
            var threadId = Guid.CreateVersion7().ToString(); // one conversation, as one SDK process would report it
            var built = new System.Text.StringBuilder();
            var position = 0;
            while (true)
            {
                var open = text.IndexOf("{{", position, StringComparison.Ordinal);
                if (open < 0)
                {
                    built.Append(text, position, text.Length - position);
                    break;
                }

                var close = text.IndexOf("}}", open, StringComparison.Ordinal);
                var name = text[(open + 2)..close];
                built.Append(text, position, open - position);
                if (name == "thread_id")
                {
                    built.Append(threadId);
                }
                else if (widths.TryGetValue(name, out var width))
                {
                    // The body is ASCII apart from what the payload's own text holds, so count bytes, not chars.
                    offsets[name].Add(System.Text.Encoding.UTF8.GetByteCount(built.ToString()));
                    built.Append('0', width);
                }
                else
                {
                    throw new ArgumentException($"the payload names {{{{{name}}}}}, which LoadGen cannot fill");
                }

                position = close + 2;
            }

            return new Payload(System.Text.Encoding.UTF8.GetBytes(built.ToString()), offsets);
        }

        /// <summary>A new body with fresh ids and times.</summary>
        public byte[] Next()
        {
            var body = (byte[])_template.Clone();
            var now = DateTime.UtcNow;
            foreach (var at in _traceIds)
            {
                Guid.CreateVersion7(now).TryFormat(body.AsSpan(at, UuidLength), out _);
            }

            foreach (var at in _spanIds)
            {
                Guid.CreateVersion7(now).TryFormat(body.AsSpan(at, UuidLength), out _);
            }

            foreach (var at in _startTimes)
            {
                now.AddMilliseconds(-1250).TryFormat(body.AsSpan(at, TimeLength), out _, TimeFormat, CultureInfo.InvariantCulture);
            }

            foreach (var at in _endTimes)
            {
                now.TryFormat(body.AsSpan(at, TimeLength), out _, TimeFormat, CultureInfo.InvariantCulture);
            }

            return body;
        }
    }

    /// <summary>Sub-millisecond sleeps; Thread.Sleep rounds up to whole milliseconds.</summary>
    internal static partial class Native
    {
        public static void Sleep(long microseconds) => usleep((uint)microseconds);

        [LibraryImport("libc", SetLastError = false)]
        private static partial int usleep(uint microseconds);
    }
}
