using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Runtime;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mentiora.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace Mentiora.Tests.Web;

/// <summary>
/// Thousands of malformed, hostile and odd requests to the ingestion endpoint of one running app
/// with its default settings, one theory case per kind of corruption or field. The requests come
/// from a seed (fixed, or <see cref="IngestionFuzzApp.SeedVariable"/>) printed in every failure, so
/// a failure is replayed by running the kind again with that seed. Every answer must be the one the
/// contract gives that request, in the SDKs' error shape, and the server must stay healthy and its
/// memory bounded.
/// </summary>
/// <remarks>
/// Memory is measured for the whole process, so this class runs alone, not beside other test classes.
/// </remarks>
[CollectionDefinition(nameof(IngestionFuzzTests), DisableParallelization = true)]
[Collection(nameof(IngestionFuzzTests))]
public sealed class IngestionFuzzTests(IngestionFuzzApp app, ITestOutputHelper output) : IClassFixture<IngestionFuzzApp>
{
    private const int MinimumRequests = 5_000;

    // Modest, like a few busy SDK clients; enough to overlap requests inside the server.
    private const int Concurrency = 8;

    private const int MiB = 1024 * 1024;

    // The app runs with the defaults a deployment has, so this is IngestionOptions' default limit.
    private const int BodyLimit = 5 * MiB;

    private const long MemoryGrowthBudget = 300L * MiB;

    private const string Json = "application/json";

    // Stands in for a value in serialized JSON and is replaced by raw text JsonNode cannot hold (1e400, broken JSON, invalid UTF-8).
    private const string SlotText = "__fuzz_slot__";

    private static readonly string Slot = $"\"{SlotText}\"";

    private static readonly int[] ContractStatuses = [202, 400, 401, 403, 413, 415];

    private static readonly int[] Accepted = [202];

    private static readonly int[] BadRequest = [400];

    private static readonly int[] Unauthorized = [401];

    private static readonly string[] InvalidJson = ["invalid_json"];

    private static readonly string[] InvalidTrace = ["invalid_trace"];

    // Not escaped, so multi-byte text goes out as the UTF-8 an SDK sends and slots can sit inside it.
    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    // Every JSON type and the edges of numbers and strings, as raw JSON text: tried in every field.
    private static readonly string[] OddValues =
    [
        "null", "true", "false", "0", "-0", "-0.0", "1", "-1", "1.5", "-1.5", "1e400", "-1e400", "1e-400",
        "99999999999999999999999", "9223372036854775807", "9223372036854775808", "-9223372036854775809", "1E+2",
        "0.000000000000000000001", "\"\"", "\" \"", "\"x\"", "\"\\u0000\"", "\"\\ud83d\\ude00\"", "\"llm\"",
        "\"2025-06-01T12:00:00Z\"", "\"01890a5d-ac96-774b-bcce-b302099a8057\"", "[]", "{}", "[1,\"a\",null,{}]",
        "{\"a\":{\"b\":[1,2,{\"c\":null}]}}", "[\"production\"]", "{\"prompt_tokens\":1}",
    ];

    // Number literals at and past the edges of double and long, and ones that are not JSON at all.
    private static readonly string[] EdgeNumbers =
    [
        "1e400", "-1e400", "-0", "-0.0", "99999999999999999999999", "1e-400", "0e0", "1E400", "-1e-400",
        "1.7976931348623157e308", "1.7976931348623159e308", "4.9e-324", "18446744073709551616", "0.1e1",
        "123456789012345678901234567890.123456789",
    ];

    private static readonly string[] NotJsonNumbers = ["NaN", "Infinity", "-Infinity", "01", "1.", ".5", "+1", "0x10", "1e", "--1"];

    // Byte sequences that are not UTF-8: bad leads, overlongs, encoded surrogates, past U+10FFFF, cut sequences.
    private static readonly byte[][] InvalidUtf8 =
    [
        [0xFF], [0xFE], [0xC0, 0xAF], [0xC1, 0xBF], [0xE0, 0x80, 0xAF], [0xED, 0xA0, 0x80], [0xED, 0xBF, 0xBF], [0x80], [0xBF],
        [0xC3], [0xE2, 0x82], [0xF0, 0x9F, 0x98], [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80],
        [0xC3, 0x28], [0xE2, 0x28, 0xA1], [0xF0, 0x28, 0x8C, 0xBC], [0xFC, 0x84, 0x80, 0x80, 0x80, 0x80],
    ];

    private static readonly string[] Fields =
    [
        "trace_id", "span_id", "parent_span_id", "thread_id", "name", "type", "input", "output", "metadata", "error", "start_time",
        "end_time", "duration_ms", "usage", "tags", "model", "provider", "sdk_version", "custom_field",
    ];

    private static readonly string[] BodyKindNames = ["truncated", "mutated", "deep", "utf8", "escapes", "duplicates", "roots"];

    private static readonly string[] FieldKindNames = ["wrong-types", "numbers", "huge", "uuids", "dates", "batch"];

    private static readonly string[] RequestKindNames = ["content-type", "oversized", "authorization"];

    private readonly HttpClient _client = app.Client;
    private readonly HttpClient _utf8HeadersClient = app.Utf8HeadersClient;
    private readonly string _key = app.Key;
    private readonly string _prefix = app.Prefix;

    /// <summary>Kinds of bodies that are not quite JSON, or JSON of an odd shape.</summary>
    public static TheoryData<string> BodyKinds => Kinds(BodyKindNames);

    /// <summary>Kinds of values in the event's fields.</summary>
    public static TheoryData<string> FieldKinds => Kinds(FieldKindNames);

    /// <summary>Kinds of requests around the body: its media type, its size and framing, its key.</summary>
    public static TheoryData<string> RequestKinds => Kinds(RequestKindNames);

    [Theory]
    [MemberData(nameof(BodyKinds))]
    public Task BodiesThatAreNotQuiteJsonGetTheContractAnswerAndTheServerStaysHealthy(string kind) => FuzzAsync(kind);

    [Theory]
    [MemberData(nameof(FieldKinds))]
    public Task EveryFieldValueGetsTheAnswerTheContractGivesItAndTheServerStaysHealthy(string kind) => FuzzAsync(kind);

    [Theory]
    [MemberData(nameof(RequestKinds))]
    public Task MediaTypesSizesAndKeysGetTheContractAnswerAndTheServerStaysHealthy(string kind) => FuzzAsync(kind);

    [Fact]
    public void TheKindsTogetherSendThousandsOfRequests()
    {
        string[] kinds = [.. BodyKindNames, .. FieldKindNames, .. RequestKindNames];
        var counts = kinds.ToDictionary(kind => kind, kind => GenerateCases(kind, new Random(app.Seed)).Count);
        output.WriteLine(string.Join(", ", counts.Select(c => $"{c.Key}: {c.Value}")));
        Assert.True(counts.Values.Sum() >= MinimumRequests, $"only {counts.Values.Sum()} requests were generated (seed {app.Seed})");
        Assert.All(counts, c => Assert.True(c.Value > 0, $"the kind {c.Key} generated no requests"));
    }

    private async Task FuzzAsync(string kind)
    {
        var seed = app.Seed;
        var replay = $"seed {seed}: replay with {IngestionFuzzApp.SeedVariable}={seed} and the kind \"{kind}\"";
        var cases = GenerateCases(kind, new Random(seed));

        var logsBefore = app.App.Logs.GetSnapshot().Count;
        var before = SampleMemory();
        var clock = Stopwatch.StartNew();

        var failures = new ConcurrentQueue<string>();
        var byStatus = new ConcurrentDictionary<int, int>();
        var byCategory = new ConcurrentDictionary<(string, int), int>();
        var byCode = new ConcurrentDictionary<string, int>();
        await Parallel.ForEachAsync(cases, new ParallelOptions { MaxDegreeOfParallelism = Concurrency }, async (fuzz, _) =>
        {
            Answer answer;
            try
            {
                answer = await fuzz.Send();
            }
            catch (Exception e) when (e is HttpRequestException or IOException or SocketException or OperationCanceledException)
            {
                failures.Enqueue($"[{fuzz.Category}] {fuzz.Description}: no answer ({e.GetType().Name}: {e.Message})");
                byStatus.AddOrUpdate(0, 1, (_, n) => n + 1);
                return;
            }

            byStatus.AddOrUpdate(answer.Status, 1, (_, n) => n + 1);
            byCategory.AddOrUpdate((fuzz.Category, answer.Status), 1, (_, n) => n + 1);
            var problems = Problems(fuzz, answer, out var code);
            foreach (var problem in problems)
            {
                failures.Enqueue($"[{fuzz.Category}] {fuzz.Description}: {problem}. Answer {answer.Status}: {Shorten(answer.Body, 300)}");
            }

            if (code is not null)
            {
                byCode.AddOrUpdate(code, 1, (_, n) => n + 1);
            }
        });
        clock.Stop();

        var health = await _client.GetAsync("/healthz");
        var after = SampleMemory();
        // Orleans' watchdog reports a stalled thread pool as an error when the machine itself is starved (another
        // process took both cores): a pause of the machine, not an answer any input caused, so it is not held against the server.
        var newErrors = app.App.Logs.GetSnapshot().Skip(logsBefore)
            .Where(r => r.Level >= LogLevel.Error && !r.Message.Contains("Thread Pool execution stalled", StringComparison.Ordinal))
            .ToArray();

        output.WriteLine($"{kind}: {cases.Count} requests, {Concurrency} at a time, in {clock.Elapsed.TotalSeconds:0.0} s ({replay})");
        output.WriteLine("By status: " + string.Join(", ", byStatus.OrderBy(p => p.Key).Select(p => $"{p.Key}: {p.Value}")));
        output.WriteLine("By error code: " + string.Join(", ", byCode.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}: {p.Value}")));
        foreach (var category in byCategory.GroupBy(p => p.Key.Item1).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"  {category.Key,-14} " + string.Join(", ", category.OrderBy(p => p.Key.Item2).Select(p => $"{p.Key.Item2}: {p.Value}")));
        }

        output.WriteLine($"Managed heap: {before.Managed / (double)MiB:0.0} MB before, {after.Managed / (double)MiB:0.0} MB after " +
                         $"({(after.Managed - before.Managed) / (double)MiB:+0.0;-0.0} MB)");
        output.WriteLine($"Working set: {before.WorkingSet / (double)MiB:0.0} MB before, {after.WorkingSet / (double)MiB:0.0} MB after " +
                         $"({(after.WorkingSet - before.WorkingSet) / (double)MiB:+0.0;-0.0} MB)");
        using (var process = Process.GetCurrentProcess())
        {
            output.WriteLine($"Peak working set of the test process: {process.PeakWorkingSet64 / (double)MiB:0.0} MB");
        }

        output.WriteLine($"/healthz: {(int)health.StatusCode}; errors logged: {newErrors.Length}; failures: {failures.Count}");

        // A few examples of each category, so one loud category does not hide the others.
        var failed = failures.ToArray();
        foreach (var category in failed.GroupBy(f => f[..(f.IndexOf(']', StringComparison.Ordinal) + 1)]).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"  {category.Key} {category.Count()} problems, for example:");
            foreach (var failure in category.Take(6))
            {
                output.WriteLine("    " + failure);
            }
        }

        foreach (var error in newErrors.Take(10))
        {
            output.WriteLine($"  logged {error.Level} [{error.Category}] {Shorten(error.Message, 300)} {Shorten(error.Exception?.ToString() ?? string.Empty, 600)}");
        }

        // The server's health first: it does not depend on how each answer looked.
        Assert.True(health.StatusCode == System.Net.HttpStatusCode.OK, $"/healthz answered {(int)health.StatusCode} after the {kind} requests ({replay})");
        Assert.True(after.Managed - before.Managed < MemoryGrowthBudget, $"the managed heap grew by {(after.Managed - before.Managed) / MiB} MB ({replay})");
        Assert.True(after.WorkingSet - before.WorkingSet < MemoryGrowthBudget, $"the working set grew by {(after.WorkingSet - before.WorkingSet) / MiB} MB ({replay})");
        Assert.True(failed.Length == 0, $"{failed.Length} problems with the answers ({replay}; see the test output), for example:\n" +
            string.Join("\n", failed.GroupBy(f => f[..(f.IndexOf(']', StringComparison.Ordinal) + 1)]).SelectMany(g => g.Take(3))));
        Assert.True(newErrors.Length == 0, $"the server logged errors ({replay}): " + string.Join(" | ", newErrors.Take(5).Select(e => Shorten(e.Message, 200))));
    }

    // Each kind starts from the seed on its own, so one kind is replayed without generating the others.
    private List<FuzzCase> GenerateCases(string kind, Random random)
    {
        var cases = new List<FuzzCase>();
        Action<Random, List<FuzzCase>> generate = kind switch
        {
            "truncated" => (r, c) => Truncated(r, c, 1000),
            "mutated" => (r, c) => Mutated(r, c, 1000),
            "wrong-types" => (r, c) => WrongTypes(r, c, randomCombinations: 500),
            "huge" => HugeValues,
            "numbers" => Numbers,
            "deep" => DeepNesting,
            "utf8" => (r, c) => BrokenUtf8(r, c, 420),
            "escapes" => Escapes,
            "duplicates" => DuplicateKeys,
            "uuids" => (r, c) => BadUuids(r, c, randomCombinations: 120),
            "dates" => (r, c) => BadDates(r, c, randomDates: 120),
            "content-type" => ContentTypes,
            "oversized" => OversizedAndChunked,
            "authorization" => Authorization,
            "roots" => EmptyAndOddRoots,
            "batch" => (r, c) => Batches(r, c, 400),
            _ => throw new ArgumentException($"no kind of fuzz case is called {kind}", nameof(kind)),
        };
        generate(random, cases);
        return cases;
    }

    // A valid event cut at a random byte: never JSON, even when the cut splits a multi-byte character.
    private void Truncated(Random random, List<FuzzCase> cases, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var body = Bytes(BaseJson(random, i % 3));
            var cut = random.Next(body.Length);
            cases.Add(Case("truncated", $"a {body.Length}-byte event cut to {cut} bytes", body[..cut], BadRequest, InvalidJson));
        }
    }

    // Random bytes deleted, inserted, replaced and repeated: whatever the result, the answer must be the contract's.
    private void Mutated(Random random, List<FuzzCase> cases, int count)
    {
        const string structural = "{}[],:\"\\' 0-e.ntfu";
        for (var i = 0; i < count; i++)
        {
            var body = new List<byte>(Bytes(BaseJson(random, i % 3)));
            var edits = random.Next(1, 6);
            for (var e = 0; e < edits && body.Count > 1; e++)
            {
                var at = random.Next(body.Count);
                switch (random.Next(5))
                {
                    case 0:
                        body.RemoveAt(at);
                        break;
                    case 1:
                        body.Insert(at, (byte)structural[random.Next(structural.Length)]);
                        break;
                    case 2:
                        body[at] = (byte)random.Next(256);
                        break;
                    case 3:
                        var length = Math.Min(random.Next(1, 40), body.Count - at);
                        body.InsertRange(at, body.GetRange(at, length));
                        break;
                    default:
                        var other = random.Next(body.Count);
                        (body[at], body[other]) = (body[other], body[at]);
                        break;
                }
            }

            // Whatever the edits made of it, the contract gives it one answer.
            var verdict = TraceFieldContract.AcceptsBody([.. body]);
            cases.Add(Case("mutated", $"{edits} random edits: {Shorten(Encoding.UTF8.GetString([.. body]), 160)}", [.. body],
                verdict is true ? Accepted : BadRequest, verdict is null ? InvalidJson : InvalidTrace));
        }
    }

    // Every field with every JSON type; the error must name that field and no other.
    private void WrongTypes(Random random, List<FuzzCase> cases, int randomCombinations)
    {
        foreach (var field in Fields)
        {
            foreach (var value in OddValues)
            {
                var trace = Event(random);
                trace[field] = SlotText;
                cases.Add(Case("wrong-type", $"{field} = {value}", Bytes(Fill(trace, value)), ContractAnswer(TraceFieldContract.Accepts(field, value)), InvalidTrace,
                    verify: DetailsOnlyAbout(field)));
            }
        }

        foreach (var field in new[] { "prompt_tokens", "completion_tokens", "total_tokens" })
        {
            foreach (var value in OddValues)
            {
                var trace = Event(random);
                trace["usage"]![field] = SlotText;
                cases.Add(Case("wrong-type", $"usage.{field} = {value}", Bytes(Fill(trace, value)), ContractAnswer(TraceFieldContract.Accepts($"usage.{field}", value)), InvalidTrace,
                    verify: DetailsOnlyAbout("usage")));
            }
        }

        foreach (var value in OddValues)
        {
            var trace = Event(random);
            trace["tags"] = new JsonArray("ok", SlotText);
            cases.Add(Case("wrong-type", $"tags = [\"ok\", {value}]", Bytes(Fill(trace, value)), ContractAnswer(TraceFieldContract.Accepts("tags", $"[\"ok\",{value}]")), InvalidTrace,
                verify: DetailsOnlyAbout("tags")));
        }

        // Several fields at once, some removed: the error names only fields that were touched.
        for (var i = 0; i < randomCombinations; i++)
        {
            var trace = Event(random);
            var touched = Fields.OrderBy(_ => random.Next()).Take(random.Next(2, 7)).ToArray();
            var json = new StringBuilder();
            var values = new List<string>();
            var accepted = true;
            foreach (var field in touched)
            {
                if (random.Next(4) == 0)
                {
                    trace.Remove(field);
                    values.Add($"{field} removed");
                    accepted &= !TraceFieldContract.IsRequired(field);
                }
                else
                {
                    trace[field] = $"{SlotText}{values.Count}";
                    var value = OddValues[random.Next(OddValues.Length)];
                    values.Add($"{field} = {value}");
                    accepted &= TraceFieldContract.Accepts(field, value);
                }
            }

            json.Append(trace.ToJsonString(Relaxed));
            for (var v = 0; v < values.Count; v++)
            {
                if (values[v].Split(" = ", 2) is [_, var raw])
                {
                    json.Replace($"\"{SlotText}{v}\"", raw);
                }
            }

            cases.Add(Case("wrong-types", string.Join("; ", values), Bytes(json.ToString()), ContractAnswer(accepted), InvalidTrace,
                verify: DetailsOnlyAbout(touched)));
        }
    }

    // One megabyte in one value: sized well under the body limit, so each must be judged on its merits.
    private void HugeValues(Random random, List<FuzzCase> cases)
    {
        var megabyte = new string('x', MiB);
        var huge = new (string Field, Func<string> Raw, int[] Statuses)[]
        {
            ("name", () => $"\"{megabyte}\"", BadRequest),
            ("model", () => $"\"{megabyte}\"", BadRequest),
            ("provider", () => $"\"{megabyte}\"", BadRequest),
            ("input", () => $"\"{megabyte}\"", Accepted),
            ("output", () => $"{{\"content\":\"{megabyte}\"}}", Accepted),
            ("metadata", () => $"{{\"{megabyte}\":1}}", Accepted),
            ("custom_field", () => $"\"{megabyte}\"", Accepted),
            ("tags", () => $"[\"{megabyte}\"]", BadRequest),
            ("trace_id", () => $"\"{megabyte}\"", BadRequest),
            ("type", () => $"\"{megabyte}\"", BadRequest),
            ("start_time", () => $"\"{megabyte}\"", BadRequest),
            ("duration_ms", () => "1" + new string('0', MiB), BadRequest),
            ("input", () => "1" + new string('0', MiB), Accepted),
            ("input", () => "0." + new string('1', MiB), Accepted),
            ("input", () => "\"" + string.Concat(Enumerable.Repeat("\\u00e9", MiB / 6)) + "\"", Accepted),
            ("input", () => "[" + string.Join(",", Enumerable.Repeat("0", 200_000)) + "]", Accepted),
            ("tags", () => "[" + string.Join(",", Enumerable.Repeat("\"\"", 100_000)) + "]", BadRequest),
        };
        foreach (var (field, raw, statuses) in huge)
        {
            var trace = Event(random);
            trace[field] = SlotText;
            var template = trace.ToJsonString(Relaxed);
            cases.Add(Case("huge", $"{field} = about 1 MB", () => Bytes(template.Replace(Slot, raw(), StringComparison.Ordinal)), statuses, InvalidTrace));
        }

        var whitespace = Event(random).ToJsonString(Relaxed);
        cases.Add(Case("huge", "1 MB of whitespace around a valid event", () => Bytes(new string(' ', MiB / 2) + whitespace + new string('\n', MiB / 2)), Accepted));
    }

    private void Numbers(Random random, List<FuzzCase> cases)
    {
        foreach (var field in new[] { "duration_ms", "usage.prompt_tokens", "usage.total_tokens", "metadata.temperature", "input", "name" })
        {
            foreach (var number in EdgeNumbers.Concat(NotJsonNumbers))
            {
                var trace = Event(random);
                if (field.Split('.') is [var parent, var child])
                {
                    trace[parent]![child] = SlotText;
                }
                else
                {
                    trace[field] = SlotText;
                }

                var notJson = NotJsonNumbers.Contains(number);
                cases.Add(Case("numbers", $"{field} = {number}", Bytes(Fill(trace, number)), notJson ? BadRequest : ContractAnswer(TraceFieldContract.Accepts(field, number)),
                    notJson ? InvalidJson : InvalidTrace, verify: notJson ? null : DetailsOnlyAbout(field.Split('.')[0])));
            }
        }
    }

    // Up to 10,000 levels: the parser must refuse deep documents (64 levels) without exhausting the stack.
    private void DeepNesting(Random random, List<FuzzCase> cases)
    {
        int[] depths = [1, 2, 10, 32, 60, 61, 62, 63, 64, 65, 66, 67, 100, 500, 1000, 5000, 9999, 10000];
        var randomDepths = Enumerable.Range(0, 12).Select(_ => random.Next(1, 10_001));
        foreach (var depth in depths.Concat(randomDepths))
        {
            // Total containers: the root's own level plus the nested ones.
            cases.Add(Case("deep", $"{depth} nested arrays as the body", () => Bytes(new string('[', depth) + new string(']', depth)),
                BadRequest, depth > 64 ? InvalidJson : InvalidTrace));
            cases.Add(Case("deep", $"{depth} nested objects as the body", () => Bytes(Nest(depth, "{\"a\":", "}", "1")),
                BadRequest, depth > 64 ? InvalidJson : InvalidTrace));
            cases.Add(Case("deep", $"{depth} unclosed arrays", () => Bytes(new string('[', depth)), BadRequest, InvalidJson));

            foreach (var (field, open, close) in new[] { ("metadata", "{\"k\":", "}"), ("input", "[", "]") })
            {
                var trace = Event(random);
                trace[field] = SlotText;
                var template = trace.ToJsonString(Relaxed);

                // The event object is one level: metadata nested d deep makes 1 + d.
                var total = 1 + depth;
                var statuses = total <= 64 ? Accepted : BadRequest;
                var value = field == "metadata" ? Nest(depth, open, close, "1") : Nest(depth, open, close, string.Empty);
                cases.Add(Case("deep", $"{field} nested {depth} deep", () => Bytes(template.Replace(Slot, value, StringComparison.Ordinal)),
                    statuses, InvalidJson));
            }
        }

        var batchTemplate = "[" + Event(random).ToJsonString(Relaxed).Replace("\"metadata\":{", "\"metadata\":" + Slot + ",\"m\":{", StringComparison.Ordinal) + "]";
        cases.Add(Case("deep", "an event 10,000 deep inside a batch", () => Bytes(batchTemplate.Replace(Slot, Nest(10_000, "[", "]", string.Empty), StringComparison.Ordinal)),
            BadRequest, InvalidJson));
    }

    // Raw bytes that are not UTF-8, inside strings, names and between tokens: not JSON (RFC 8259 §8.1).
    private void BrokenUtf8(Random random, List<FuzzCase> cases, int count)
    {
        var targets = new (string Where, Action<JsonObject> Place)[]
        {
            ("name", t => t["name"] = $"chat {SlotText} call"),
            ("model", t => t["model"] = SlotText),
            ("provider", t => t["provider"] = $"open{SlotText}"),
            ("input content", t => t["input"]![0]!["content"] = $"Grüße {SlotText} 👋"),
            ("metadata value", t => t["metadata"]!["note"] = SlotText),
            ("metadata key", t => t["metadata"]![SlotText] = 1),
            ("tag", t => t["tags"] = new JsonArray(SlotText)),
            ("unknown field", t => t["custom_field"] = SlotText),
            ("trace_id", t => t["trace_id"] = SlotText),
            ("type", t => t["type"] = SlotText),
        };
        for (var i = 0; i < count; i++)
        {
            var sequence = InvalidUtf8[random.Next(InvalidUtf8.Length)];
            var hex = Convert.ToHexString(sequence);
            var trace = Event(random);
            byte[] body;
            string where;
            if (i % 10 == 9)
            {
                // Between tokens, where only whitespace may be.
                var json = Bytes(trace.ToJsonString(Relaxed));
                var commas = Enumerable.Range(0, json.Length).Where(p => json[p] == ',').ToArray();
                var at = commas[random.Next(commas.Length)] + 1;
                body = [.. json[..at], .. sequence, .. json[at..]];
                where = "between tokens";
            }
            else
            {
                var target = targets[random.Next(targets.Length)];
                target.Place(trace);
                var json = Bytes(trace.ToJsonString(Relaxed));
                var slot = json.AsSpan().IndexOf(Encoding.ASCII.GetBytes(SlotText).AsSpan());
                body = [.. json[..slot], .. sequence, .. json[(slot + SlotText.Length)..]];
                where = $"in the {target.Where}";
            }

            cases.Add(Case("utf8", $"bytes {hex} {where}", body, BadRequest, InvalidJson));
        }

        // Text in other encodings, and a byte order mark.
        var valid = Event(random).ToJsonString(Relaxed);
        cases.Add(Case("utf8", "the event in UTF-16 with a byte order mark", [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes(valid)],
            BadRequest, InvalidJson, contentType: "application/json; charset=utf-16"));
        cases.Add(Case("utf8", "the event in UTF-32", Encoding.UTF32.GetBytes(valid), BadRequest, InvalidJson));
        cases.Add(Case("utf8", "the event in Latin-1 with é", Encoding.Latin1.GetBytes(valid.Replace("Paris.", "Paris é", StringComparison.Ordinal)),
            BadRequest, InvalidJson, contentType: "application/json; charset=iso-8859-1"));
        cases.Add(Case("utf8", "a UTF-8 byte order mark before the event", [0xEF, 0xBB, 0xBF, .. Bytes(valid)], BadRequest, InvalidJson));
        var unicode = Event(random);
        unicode["name"] = "Grüße 👋 مرحبا \u202Eevil\u202C 日本語";
        cases.Add(Case("utf8", "valid multi-byte text in the name", Bytes(unicode.ToJsonString(Relaxed)), Accepted));
    }

    // \u escapes: lone surrogates are refused as invalid_json by design, a proper pair is text like any other.
    private void Escapes(Random random, List<FuzzCase> cases)
    {
        var escapes = new (string Escape, int[] Statuses, string[]? Codes)[]
        {
            ("\\ud800", BadRequest, InvalidJson),
            ("\\udfff", BadRequest, InvalidJson),
            ("\\uD83D", BadRequest, InvalidJson),
            ("\\ud800x", BadRequest, InvalidJson),
            ("\\ud800\\ud800", BadRequest, InvalidJson),
            ("\\ude00\\ud83d", BadRequest, InvalidJson),
            ("\\ud83d\\u0041", BadRequest, InvalidJson),
            ("\\uZZZZ", BadRequest, InvalidJson),
            ("\\u12", BadRequest, InvalidJson),
            ("\\x41", BadRequest, InvalidJson),
            ("\\ud83d\\ude00", Accepted, null),
            ("\\u00e9\\/\\b\\f\\n\\r\\t\\\"\\\\", Accepted, null),
        };
        var targets = new (string Where, Action<JsonObject> Place, bool NulRefused)[]
        {
            ("name", t => t["name"] = $"a{SlotText}b", true),
            ("model", t => t["model"] = SlotText, true),
            ("input content", t => t["input"]![0]!["content"] = SlotText, false),
            ("metadata key", t => t["metadata"]![SlotText] = 1, false),
            ("metadata value", t => t["metadata"]!["k"] = SlotText, false),
            ("tag", t => t["tags"] = new JsonArray(SlotText), true),
            ("unknown field", t => t["custom_field"] = SlotText, false),
            ("unknown field name", t => t[SlotText] = 1, false),
        };
        foreach (var (where, place, nulRefused) in targets)
        {
            foreach (var (escape, statuses, codes) in escapes)
            {
                var trace = Event(random);
                place(trace);
                cases.Add(Case("escapes", $"\"{escape}\" in the {where}", Bytes(trace.ToJsonString(Relaxed).Replace(SlotText, escape, StringComparison.Ordinal)), statuses, codes));
            }

            var withNul = Event(random);
            place(withNul);
            cases.Add(Case("escapes", $"\"\\u0000\" in the {where}", Bytes(withNul.ToJsonString(Relaxed).Replace(SlotText, "\\u0000", StringComparison.Ordinal)),
                nulRefused ? BadRequest : Accepted, InvalidTrace));
        }

        // An id spelled with escapes is still the same id.
        var escaped = Event(random);
        var id = (string)escaped["trace_id"]!;
        var spelled = string.Concat(id.Select(c => $"\\u{(int)c:x4}"));
        cases.Add(Case("escapes", "trace_id spelled with \\u escapes", Bytes(escaped.ToJsonString(Relaxed).Replace(id, spelled, StringComparison.Ordinal)), Accepted));
    }

    // Two values for one field are ambiguous: invalid_json by design, at any depth and however the name is spelled.
    private void DuplicateKeys(Random random, List<FuzzCase> cases)
    {
        // Only fields the event has: a second copy of an absent one is no duplicate.
        foreach (var field in TraceEvents.Valid().Select(p => p.Key))
        {
            var trace = Event(random);
            var json = trace.ToJsonString(Relaxed);
            var same = trace[field]?.ToJsonString(Relaxed) ?? "null";
            cases.Add(Case("duplicates", $"{field} twice, same value", Bytes("{\"" + field + "\":" + same + "," + json[1..]), BadRequest, InvalidJson));
            cases.Add(Case("duplicates", $"{field} twice, other value", Bytes("{\"" + field + "\":\"other\"," + json[1..]), BadRequest, InvalidJson));
        }

        var nested = new (string Description, string Field, string Raw)[]
        {
            ("metadata", "metadata", "{\"a\":1,\"a\":2}"),
            ("metadata deep", "metadata", "{\"a\":{\"b\":{\"c\":1,\"c\":1}}}"),
            ("usage", "usage", "{\"prompt_tokens\":1,\"prompt_tokens\":2}"),
            ("input message", "input", "[{\"role\":\"user\",\"role\":\"system\"}]"),
            ("output", "output", "{\"content\":\"a\",\"content\":\"b\"}"),
            ("error", "error", "{\"message\":\"a\",\"message\":\"b\"}"),
            ("metadata, escaped spelling", "metadata", "{\"ab\":1,\"a\\u0062\":2}"),
        };
        foreach (var (description, field, raw) in nested)
        {
            var trace = Event(random);
            trace[field] = SlotText;
            cases.Add(Case("duplicates", $"duplicate keys in {description}", Bytes(Fill(trace, raw)), BadRequest, InvalidJson));
        }

        var spelledTwice = Event(random).ToJsonString(Relaxed);
        cases.Add(Case("duplicates", "name and n\\u0061me", Bytes("{\"n\\u0061me\":\"other\"," + spelledTwice[1..]), BadRequest, InvalidJson));
        cases.Add(Case("duplicates", "type and \\u0074ype", Bytes("{\"\\u0074ype\":\"tool\"," + spelledTwice[1..]), BadRequest, InvalidJson));
        cases.Add(Case("duplicates", "name and Name (not the same field)", Bytes("{\"Name\":\"other\"," + spelledTwice[1..]), Accepted));
        cases.Add(Case("duplicates", "a duplicate inside one event of a batch",
            Bytes("[" + Event(random).ToJsonString(Relaxed) + ",{\"name\":\"x\"," + Event(random).ToJsonString(Relaxed)[1..] + "]"), BadRequest, InvalidJson));
    }

    // trace_id and span_id must be UUIDv7 in the 8-4-4-4-12 form; parent_span_id and thread_id any UUID in that form.
    private void BadUuids(Random random, List<FuzzCase> cases, int randomCombinations)
    {
        var v7 = UuidWithVersion(random, 7);
        var forms = new (string Description, string Raw, bool V7, bool AnyUuid)[]
        {
            ("v7", $"\"{v7}\"", true, true),
            ("v7 in capitals", $"\"{v7.ToUpperInvariant()}\"", true, true),
            ("v4", $"\"{UuidWithVersion(random, 4)}\"", false, true),
            ("v1", $"\"{UuidWithVersion(random, 1)}\"", false, true),
            ("v8", $"\"{UuidWithVersion(random, 8)}\"", false, true),
            ("nil", "\"00000000-0000-0000-0000-000000000000\"", false, true),
            ("max", "\"ffffffff-ffff-ffff-ffff-ffffffffffff\"", false, true),
            ("braces", $"\"{{{v7}}}\"", false, false),
            ("parentheses", $"\"({v7})\"", false, false),
            ("no hyphens", $"\"{v7.Replace("-", string.Empty, StringComparison.Ordinal)}\"", false, false),
            ("urn", $"\"urn:uuid:{v7}\"", false, false),
            ("one short", $"\"{v7[..^1]}\"", false, false),
            ("one long", $"\"{v7}0\"", false, false),
            ("a g inside", $"\"{v7[..^1]}g\"", false, false),
            ("hyphens moved", $"\"{v7.Replace("-", string.Empty, StringComparison.Ordinal).Insert(4, "-").Insert(9, "-").Insert(14, "-").Insert(19, "-")}\"", false, false),
            ("36 hyphens", $"\"{new string('-', 36)}\"", false, false),
            ("empty", "\"\"", false, false),
            ("words", "\"not-a-uuid\"", false, false),
            ("a number", "7", false, false),
            ("an object", $"{{\"id\":\"{v7}\"}}", false, false),
            ("with NUL", $"\"{v7}\\u0000\"", false, false),
            ("Arabic-Indic digits", $"\"{string.Concat(v7.Select(c => c is >= '0' and <= '9' ? (char)('\u0660' + (c - '0')) : c))}\"", false, false),
            ("10 KB", $"\"{new string('a', 10 * 1024)}\"", false, false),
            ("hex format", $"\"{{0x{v7[..8]},0x{v7[9..13]},0x{v7[14..18]},{{0x{v7[19..21]},0x{v7[21..23]},0x{v7[24..26]},0x{v7[26..28]},0x{v7[28..30]},0x{v7[30..32]},0x{v7[32..34]},0x{v7[34..36]}}}}}\"", false, false),
        };
        var idFields = new[] { "trace_id", "span_id", "parent_span_id", "thread_id" };
        foreach (var field in idFields)
        {
            var required = field is "trace_id" or "span_id";
            foreach (var (description, raw, isV7, anyUuid) in forms)
            {
                var trace = Event(random);
                trace[field] = SlotText;
                var accepted = required ? isV7 : anyUuid;
                cases.Add(Case("uuids", $"{field}: {description}", Bytes(Fill(trace, raw)), accepted ? Accepted : BadRequest, InvalidTrace,
                    verify: DetailsOnlyAbout(field)));
            }

            // Spaces around: the id is read trimmed, so they do not make it another id.
            var spaced = Event(random);
            spaced[field] = $" {v7} ";
            cases.Add(Case("uuids", $"{field}: spaces around", Bytes(spaced.ToJsonString(Relaxed)), Accepted, InvalidTrace));
        }

        for (var i = 0; i < randomCombinations; i++)
        {
            var trace = Event(random);
            var picked = new List<string>();
            var accepted = true;
            foreach (var field in idFields.Where(_ => random.Next(2) == 0))
            {
                var (description, raw, isV7, anyUuid) = forms[random.Next(forms.Length)];
                trace[field] = $"{SlotText}{picked.Count}";
                picked.Add($"{field}: {description}|{raw}");
                accepted &= field is "trace_id" or "span_id" ? isV7 : anyUuid;
            }

            var json = trace.ToJsonString(Relaxed);
            for (var p = 0; p < picked.Count; p++)
            {
                json = json.Replace($"\"{SlotText}{p}\"", picked[p].Split('|', 2)[1], StringComparison.Ordinal);
            }

            cases.Add(Case("uuids", string.Join("; ", picked.Select(p => p.Split('|')[0])), Bytes(json), accepted ? Accepted : BadRequest, InvalidTrace));
        }
    }

    // ISO 8601 and near misses, at the edges of DateTime, with and without offsets.
    private void BadDates(Random random, List<FuzzCase> cases, int randomDates)
    {
        // Null: the answer the contract's reading of ISO 8601 gives (TraceFieldContract.IsDateTime).
        var dates = new (string Raw, int[]? Statuses)[]
        {
            ("\"2025-06-01T12:00:00Z\"", Accepted),
            ("\"2025-06-01T12:00:00.1234567Z\"", Accepted),
            ("\"2025-06-01T12:00:00+02:00\"", Accepted),
            ("\"2025-06-01T12:00:00\"", Accepted),
            ("\"2025-13-01T00:00:00Z\"", BadRequest),
            ("\"2025-02-30T00:00:00Z\"", BadRequest),
            ("\"2025-06-01T25:00:00Z\"", BadRequest),
            ("\"2025-06-01T12:60:00Z\"", BadRequest),
            ("\"2025-06-01T12:00:00+25:00\"", BadRequest),
            ("\"not a date\"", BadRequest),
            ("\"\"", BadRequest),
            ("\" \"", BadRequest),
            ("1748779200", BadRequest),
            ("1748779200000", BadRequest),
            ("{\"seconds\":1}", BadRequest),
            ("[\"2025-06-01T12:00:00Z\"]", BadRequest),
            ("true", BadRequest),
            ("\"2025-06-01T12:00:00Z\\u0000\"", BadRequest),
            ("\"+12025-06-01T12:00:00Z\"", BadRequest),
            ("\"yesterday\"", BadRequest),
            ("\"2025-06-01\"", null),
            ("\"2025-06-01 12:00:00Z\"", null),
            ("\"2025-06-01t12:00:00z\"", null),
            ("\"2025-06-01T23:59:60Z\"", null),
            ("\"2025-06-01T12:00:00.123456789012Z\"", null),
            ("\"2025-06-01T12:00Z\"", null),
            ("\"20250601T120000Z\"", null),
            ("\"Sun, 01 Jun 2025 12:00:00 GMT\"", null),
            ("\"0001-01-01T00:00:00Z\"", null),
            ("\"0001-01-01T00:00:00+14:00\"", null),
            ("\"9999-12-31T23:59:59.9999999Z\"", null),
            ("\"9999-12-31T23:59:59.9999999-14:00\"", null),
            ("\"0000-01-01T00:00:00Z\"", null),
            ("\"2025-06-01T12:00:00-00:00\"", null),
        };
        foreach (var field in new[] { "start_time", "end_time" })
        {
            foreach (var (raw, statuses) in dates)
            {
                var trace = Event(random);
                if (field == "start_time")
                {
                    // Alone, so only the parsing of start_time decides.
                    trace.Remove("end_time");
                }
                else
                {
                    // Early enough that every date an SDK could mean is after it.
                    trace["start_time"] = "0001-01-01T00:00:00Z";
                }

                trace[field] = SlotText;
                cases.Add(Case("dates", $"{field} = {raw}", Bytes(Fill(trace, raw)), statuses ?? ContractAnswer(TraceFieldContract.Accepts(field, raw)), InvalidTrace,
                    verify: DetailsOnlyAbout(field)));
            }
        }

        var endBeforeStart = Event(random);
        endBeforeStart["end_time"] = "2025-06-01T11:59:59.999Z";
        cases.Add(Case("dates", "end_time a millisecond before start_time", Bytes(endBeforeStart.ToJsonString(Relaxed)), BadRequest, InvalidTrace,
            verify: DetailsOnlyAbout("end_time")));
        var sameInstant = Event(random);
        sameInstant["start_time"] = "2025-06-01T12:00:00+02:00";
        sameInstant["end_time"] = "2025-06-01T10:00:00Z";
        cases.Add(Case("dates", "end_time the same instant in another offset", Bytes(sameInstant.ToJsonString(Relaxed)), Accepted));

        for (var i = 0; i < randomDates; i++)
        {
            var text = string.Create(CultureInfo.InvariantCulture,
                $"{random.Next(0, 10_000):0000}-{random.Next(0, 14):00}-{random.Next(0, 33):00}T{random.Next(0, 26):00}:{random.Next(0, 61):00}:{random.Next(0, 62):00}");
            text += random.Next(3) switch
            {
                0 => "Z",
                1 => string.Create(CultureInfo.InvariantCulture, $"{(random.Next(2) == 0 ? '+' : '-')}{random.Next(0, 16):00}:{random.Next(0, 61):00}"),
                _ => string.Empty,
            };
            var trace = Event(random);
            trace.Remove("end_time");
            trace["start_time"] = text;
            cases.Add(Case("dates", $"start_time = {text}", Bytes(trace.ToJsonString(Relaxed)), ContractAnswer(TraceFieldContract.IsDateTime(text)), InvalidTrace,
                verify: DetailsOnlyAbout("start_time")));
        }
    }

    private void ContentTypes(Random random, List<FuzzCase> cases)
    {
        var types = new (string? Type, bool IsJson)[]
        {
            ("text/plain", false), (null, false), ("application/x-www-form-urlencoded", false), ("application/xml", false),
            ("application/octet-stream", false), ("application/jsonp", false), ("application/json-seq", false), ("application/*", false),
            ("*/*", false), ("json", false), ("application/", false), ("%%%", false), (";", false), ("application/json, text/plain", false),
            ("text/plain; x=application/json", false), ("multipart/mixed; boundary=x", false),
            ("application/json", true), ("APPLICATION/JSON", true), ("application/json; charset=utf-8", true),
            ("application/json;charset=UTF-8", true), ("application/vnd.api+json", true), ("application/problem+json", true),
            ("application/json; charset=latin1", true), ("application/json; foo=\"bar\"", true),
        };
        foreach (var (type, isJson) in types)
        {
            var valid = Bytes(Event(random).ToJsonString(Relaxed));
            var broken = Bytes(BaseJson(random, 0))[..40];
            var label = type is null ? "no Content-Type" : $"Content-Type {type}";
            cases.Add(Case("content-type", $"{label}, a valid event", valid, isJson ? Accepted : [415], contentType: type));
            cases.Add(Case("content-type", $"{label}, broken JSON", broken, isJson ? BadRequest : [415], contentType: type));
            cases.Add(Case("content-type", $"{label}, empty body", [], isJson ? BadRequest : [415], contentType: type));
            cases.Add(Case("content-type", $"{label}, no key", valid, Unauthorized, contentType: type, withAuthorization: false));
        }

        // text/json is an old alias some clients still send; the contract names application/json and +json types only.
        cases.Add(Case("content-type", "Content-Type text/json", Bytes(Event(random).ToJsonString(Relaxed)), [415], ["unsupported_media_type"], contentType: "text/json"));

        var form = Event(random).ToJsonString(Relaxed);
        cases.Add(new FuzzCase("content-type", "a multipart form carrying the event", Http(() =>
        {
            var request = Request(null, $"Bearer {_key}");
            request.Content = new MultipartFormDataContent { { new StringContent(form, Encoding.UTF8, Json), "trace", "trace.json" } };
            return request;
        }), [415], ["unsupported_media_type"]));
        cases.Add(new FuzzCase("content-type", "a form post carrying the event", Http(() =>
        {
            var request = Request(null, $"Bearer {_key}");
            request.Content = new FormUrlEncodedContent([new("trace", form)]);
            return request;
        }), [415], ["unsupported_media_type"]));
        cases.Add(new FuzzCase("content-type", "two Content-Type headers", Raw(
            $"Authorization: Bearer {_key}\r\nContent-Type: application/json\r\nContent-Type: text/plain\r\n", Bytes(form)), [415], ["unsupported_media_type"]));
    }

    // Over the 5 MiB limit with and without Content-Length, and exactly at it.
    private void OversizedAndChunked(Random random, List<FuzzCase> cases)
    {
        var atLimitTemplate = Event(random);
        atLimitTemplate["input"] = string.Empty;
        var template = atLimitTemplate.ToJsonString(Relaxed);
        byte[] Padded(int size) => Bytes(template.Replace("\"input\":\"\"", $"\"input\":\"{new string('x', size - Bytes(template).Length)}\"", StringComparison.Ordinal));

        var tooLarge = new[] { "payload_too_large" };
        cases.Add(Case("oversized", "a valid event of exactly the limit", () => Padded(BodyLimit), Accepted));
        cases.Add(Case("oversized", "a valid event of exactly the limit, chunked", () => Padded(BodyLimit), Accepted, chunked: true));
        cases.Add(Case("oversized", "a valid event one byte over the limit", () => Padded(BodyLimit + 1), [413], tooLarge));
        cases.Add(Case("oversized", "a valid event one byte over the limit, chunked", () => Padded(BodyLimit + 1), [413], tooLarge, chunked: true));
        cases.Add(Case("oversized", "6 MiB of garbage", () => Enumerable.Repeat((byte)'{', 6 * MiB).ToArray(), [413], tooLarge));
        cases.Add(Case("oversized", "8 MiB of garbage, chunked", () => Enumerable.Repeat((byte)'[', 8 * MiB).ToArray(), [413], tooLarge, chunked: true));
        cases.Add(Case("oversized", "6 MiB without a key", () => new byte[6 * MiB], Unauthorized, withAuthorization: false));
        // The media type is checked before the body is read, so the size never comes into it.
        cases.Add(Case("oversized", "6 MiB as text/plain", () => new byte[6 * MiB], [415], ["unsupported_media_type"], contentType: "text/plain"));
        cases.Add(new FuzzCase("oversized", "Content-Length of 100 GB with a small body", Raw(
            $"Authorization: Bearer {_key}\r\nContent-Type: application/json\r\nContent-Length: 107374182400\r\n", Bytes("{}"), contentLength: false),
            [413], tooLarge));

        // Ordinary bodies chunked by HttpClient (a stream of unknown length), and by hand in odd chunk sizes.
        for (var i = 0; i < 30; i++)
        {
            var (body, statuses, codes, description) = OrdinaryBody(random, i);
            cases.Add(Case("chunked", $"{description}, chunked", body, statuses, codes, chunked: true));
        }

        for (var i = 0; i < 40; i++)
        {
            var (body, statuses, codes, description) = OrdinaryBody(random, i);
            var sizes = Enumerable.Range(0, body.Length).Select(_ => random.Next(1, i % 2 == 0 ? 4 : 300)).ToArray();
            cases.Add(new FuzzCase("chunked", $"{description}, in chunks of {(i % 2 == 0 ? "1 to 3" : "1 to 299")} bytes by hand",
                Raw($"Authorization: Bearer {_key}\r\nContent-Type: application/json\r\n", body, chunkSizes: sizes), statuses, codes));
        }
    }

    private (byte[] Body, int[] Statuses, string[] Codes, string Description) OrdinaryBody(Random random, int i) => (i % 3) switch
    {
        0 => (Bytes(Event(random).ToJsonString(Relaxed)), Accepted, InvalidTrace, "a valid event"),
        1 => (Bytes(BaseJson(random, 1))[..random.Next(1, 100)], BadRequest, InvalidJson, "a truncated event"),
        _ => (Bytes("[" + Event(random).ToJsonString(Relaxed) + ",{\"name\":1}]"), BadRequest, InvalidTrace, "a batch with a bad event"),
    };

    private void Authorization(Random random, List<FuzzCase> cases)
    {
        var tweaked = _key[..^1] + (_key[^1] == 'A' ? 'B' : 'A');
        var values = new (string? Value, int[] Statuses, string? Code, HttpClient? Client)[]
        {
            (string.Empty, Unauthorized, "missing_api_key", null),
            ("Bearer", Unauthorized, "missing_api_key", null),
            ("Bearer ", Unauthorized, "missing_api_key", null),
            ("Bearer  ", Unauthorized, "missing_api_key", null),
            ($"bearer  {_key}", Unauthorized, "invalid_api_key", null),
            ($"Bearer\t{_key}", Unauthorized, "missing_api_key", null),
            ($"Bearer{_key}", Unauthorized, "missing_api_key", null),
            ($"Bearer={_key}", Unauthorized, "missing_api_key", null),
            ($"Token {_key}", Unauthorized, "missing_api_key", null),
            ("Basic dXNlcjpwYXNz", Unauthorized, "missing_api_key", null),
            ($"Bearer {_key[..42]}", Unauthorized, "invalid_api_key", null),
            ($"Bearer {_key}A", Unauthorized, "invalid_api_key", null),
            ($"Bearer {tweaked}", Unauthorized, "invalid_api_key", null),
            ($"Bearer {_prefix}", Unauthorized, "invalid_api_key", null),
            ($"Bearer \"{_key}\"", Unauthorized, "invalid_api_key", null),
            ($"Bearer {_key},{_key}", Unauthorized, "invalid_api_key", null),
            ($"Bearer {_key} {_key}", Unauthorized, "invalid_api_key", null),
            ($"Bearer {_key}, Bearer {_key}", Unauthorized, "invalid_api_key", null),
            ($"Bearer {new string('A', 10 * 1024)}", Unauthorized, "invalid_api_key", null),
            ($"Bearer {RandomKeyChars(random, 10 * 1024)}", Unauthorized, "invalid_api_key", null),
            ($"{new string('B', 10 * 1024)}", Unauthorized, "missing_api_key", null),
            ($"Bearer {RandomKeyChars(random, 43)}", Unauthorized, "invalid_api_key", null),
            ($"Bearer {new string('A', 8)}", Unauthorized, "invalid_api_key", null),
            ("Bearer pk_live_", [403], "origin_not_allowed", null),
            ($"Bearer pk_live_{RandomKeyChars(random, 32)}", [403], "origin_not_allowed", null),
            ($"Bearer ключ-{_key[..30]}", Unauthorized, "invalid_api_key", _utf8HeadersClient),
            ($"Bearer {_key[..40]}é√∂", Unauthorized, "invalid_api_key", _utf8HeadersClient),
            ($"Bearer \u202E{_key}", Unauthorized, "invalid_api_key", _utf8HeadersClient),
            ($"Bearer {_key}\u200B", Unauthorized, "invalid_api_key", _utf8HeadersClient),
            ($"Bearer\u00A0{_key}", Unauthorized, "missing_api_key", _utf8HeadersClient),
            ($"Bearer {_key[..20]}\u3000{_key[20..]}", Unauthorized, "invalid_api_key", _utf8HeadersClient),
            ($"Bearer {string.Concat(_key.Select(c => c is >= 'A' and <= 'Z' ? (char)(c - 'A' + 'Ａ') : c))}", Unauthorized, "invalid_api_key", _utf8HeadersClient),
            ($"Bearer {string.Concat(Enumerable.Repeat("🔑", 2_500))}", Unauthorized, "invalid_api_key", _utf8HeadersClient),
            ($"Bearer {_key}", Accepted, null, null),
            ($"BEARER {_key}", Accepted, null, null),
            ($"bearer {_key}", Accepted, null, null),
            // Trailing whitespace is not part of a header's value (RFC 9110 §5.5): the key arrives without it.
            ($"Bearer {_key} ", Accepted, null, null),
        };
        foreach (var (value, statuses, code, client) in values)
        {
            // Over a plain socket, byte for byte: HttpClient rewrites a value it can parse ("bearer  x" goes out as "bearer x").
            var codes = code is null ? null : new[] { code };
            var label = Shorten(value!.Replace(_key, "<key>", StringComparison.Ordinal), 80);
            var lines = $"Authorization: {value}\r\nContent-Type: application/json\r\n";
            cases.Add(new FuzzCase("authorization", $"Authorization: {label}, a valid event", Raw(lines, Bytes(Event(random).ToJsonString(Relaxed))), statuses, codes));
            if (!statuses.Contains(202))
            {
                // Refused before the body is read: broken or empty bodies get the same answer.
                cases.Add(new FuzzCase("authorization", $"Authorization: {label}, broken JSON", Raw(lines, Bytes(BaseJson(random, 0))[..30]), statuses, codes));
                cases.Add(new FuzzCase("authorization", $"Authorization: {label}, empty body", Raw(lines, []), statuses, codes));
            }

            if (client is not null)
            {
                // And the way an SDK's HTTP library sends non-ASCII: as UTF-8.
                cases.Add(Case("authorization", $"Authorization: {label}, a valid event, through HttpClient", Bytes(Event(random).ToJsonString(Relaxed)), statuses, codes,
                    authorization: value, client: client));
            }
        }

        // A byte that is not UTF-8 in the header (Latin-1 é): still an answer in the contract, not a bare 400 from the server.
        cases.Add(new FuzzCase("authorization", "Authorization with a Latin-1 é (not UTF-8)",
            Raw($"Authorization: Bearer {_key[..40]}\u00e9\u00e9\u00e9\r\nContent-Type: application/json\r\n", Bytes(Event(random).ToJsonString(Relaxed)), headEncoding: Encoding.Latin1),
            Unauthorized, ["invalid_api_key"]));

        var plain = Bytes(Event(random).ToJsonString(Relaxed));
        cases.Add(Case("authorization", "no Authorization header, a valid event", plain, Unauthorized, ["missing_api_key"], withAuthorization: false));
        cases.Add(Case("authorization", "no Authorization header, empty body", [], Unauthorized, ["missing_api_key"], withAuthorization: false));
        cases.Add(Case("authorization", "an unknown publishable key from a web page", plain, Unauthorized, ["invalid_api_key"],
            authorization: $"Bearer pk_live_{RandomKeyChars(random, 32)}", origin: "https://app.example.com"));

        // Header lines HttpClient would merge into one, written by hand.
        var oneOfEach = new (string Lines, string Description)[]
        {
            ($"Authorization: Bearer {_key}\r\nAuthorization: Bearer {_key}\r\n", "the valid key in two headers"),
            ($"Authorization: Bearer {_key}\r\nAuthorization: Bearer {tweaked}\r\n", "the valid key, then a wrong one"),
            ($"Authorization: Bearer {tweaked}\r\nAuthorization: Bearer {_key}\r\n", "a wrong key, then the valid one"),
            ($"Authorization: Bearer {_key}\r\nAuthorization: \r\n", "the valid key, then an empty header"),
            ($"Authorization: Basic dXNlcjpwYXNz\r\nAuthorization: Bearer {_key}\r\n", "Basic, then the valid key"),
            ($"Authorization: Bearer {_key}\r\nAuthorization: Bearer {_key}\r\nAuthorization: Bearer {_key}\r\n", "the valid key in three headers"),
        };
        foreach (var (lines, description) in oneOfEach)
        {
            cases.Add(new FuzzCase("authorization", $"two Authorization headers: {description}",
                Raw(lines + "Content-Type: application/json\r\n", plain), Unauthorized, ["invalid_api_key"]));
        }
    }

    private void EmptyAndOddRoots(Random random, List<FuzzCase> cases)
    {
        var bodies = new (string Body, string[] Codes)[]
        {
            (string.Empty, InvalidJson), (" ", InvalidJson), ("\r\n\t ", InvalidJson), ("null", InvalidTrace), ("true", InvalidTrace),
            ("0", InvalidTrace), ("-0", InvalidTrace), ("\"\"", InvalidTrace), ("\"{}\"", InvalidTrace), ("[]", InvalidTrace),
            ("{}", InvalidTrace), ("[{}]", InvalidTrace), ("[[]]", InvalidTrace), ("[null]", InvalidTrace), ("[1]", InvalidTrace),
            ("[\"x\"]", InvalidTrace), ("{}{}", InvalidJson), ("{} {}", InvalidJson), ("[] []", InvalidJson), ("{\"a\":1}", InvalidTrace),
            ("//comment\n{}", InvalidJson), ("/* */{}", InvalidJson), ("{,}", InvalidJson), ("{\"trace_id\":}", InvalidJson), ("\0", InvalidJson),
            ("{\"a\":1,}", InvalidJson), ("[1,]", InvalidJson), ("{'name':'x'}", InvalidJson), ("{name:\"x\"}", InvalidJson), ("\u00a0{}", InvalidJson),
        };
        foreach (var (body, codes) in bodies)
        {
            var label = body.Length == 0 ? "an empty body" : $"the body {Shorten(JsonSerializer.Serialize(body), 40)}";
            cases.Add(Case("roots", label, Bytes(body), BadRequest, codes));
            cases.Add(Case("roots", $"{label}, chunked", Bytes(body), BadRequest, codes, chunked: true));
        }

        var valid = Event(random).ToJsonString(Relaxed);
        cases.Add(Case("roots", "a valid event followed by a second one", Bytes(valid + valid), BadRequest, InvalidJson));
        cases.Add(Case("roots", "a valid event followed by a NUL", Bytes(valid + "\0"), BadRequest, InvalidJson));
    }

    // Arrays mixing good events and bad ones: stored whole or not at all, every bad event named by its index.
    private void Batches(Random random, List<FuzzCase> cases, int count)
    {
        var breakers = new (string Field, string Raw)[]
        {
            ("trace_id", "\"nope\""), ("span_id", "null"), ("type", "\"banana\""), ("name", "\"\""), ("start_time", "\"yesterday\""),
            ("duration_ms", "-1"), ("usage", "\"x\""), ("tags", "[1]"), ("metadata", "[]"), ("error", "\"boom\""),
        };
        var notObjects = new[] { "1", "null", "\"event\"", "[]", "true" };
        for (var i = 0; i < count; i++)
        {
            var size = random.Next(1, 21);
            var bad = new HashSet<int>();
            var parts = new List<string>();
            for (var e = 0; e < size; e++)
            {
                var trace = Event(random);
                switch (random.Next(10))
                {
                    case < 6:
                        parts.Add(trace.ToJsonString(Relaxed));
                        break;
                    case < 9:
                        var (field, raw) = breakers[random.Next(breakers.Length)];
                        trace[field] = SlotText;
                        parts.Add(Fill(trace, raw));
                        bad.Add(e);
                        break;
                    default:
                        parts.Add(notObjects[random.Next(notObjects.Length)]);
                        bad.Add(e);
                        break;
                }
            }

            var expected = bad.Count == 0 ? Accepted : BadRequest;
            cases.Add(Case("batch", $"{size} events, bad at [{string.Join(",", bad.Order())}]", Bytes("[" + string.Join(",", parts) + "]"),
                expected, InvalidTrace, verify: BatchAnswer(size, bad)));
        }

        var thousand = Enumerable.Range(0, 1001).Select(_ => Event(random).ToJsonString(Relaxed)).ToArray();
        cases.Add(Case("batch", "1000 valid events", () => Bytes("[" + string.Join(",", thousand[..1000]) + "]"), Accepted, verify: BatchAnswer(1000, [])));
        cases.Add(Case("batch", "1001 valid events", () => Bytes("[" + string.Join(",", thousand) + "]"), BadRequest, InvalidTrace));
    }

    private static Func<JsonObject, string?> BatchAnswer(int size, HashSet<int> bad) => body =>
    {
        if (bad.Count == 0)
        {
            return body["count"]?.GetValueKind() == JsonValueKind.Number && (int)body["count"]! == size && body["results"] is JsonArray { Count: var n } && n == size
                ? null
                : $"a batch of {size} good events should be answered with count {size} and {size} results";
        }

        if (body["error"]?["details"] is not JsonObject details)
        {
            return "an invalid batch should have details";
        }

        var named = details.Select(p => p.Key).Where(k => k.StartsWith('[')).Select(k => int.Parse(k[1..k.IndexOf(']', StringComparison.Ordinal)], CultureInfo.InvariantCulture)).ToHashSet();
        return named.SetEquals(bad) ? null : $"details name events [{string.Join(",", named.Order())}], the bad ones are [{string.Join(",", bad.Order())}]";
    };

    // An invalid_trace answer must blame only the fields that were changed.
    private static Func<JsonObject, string?> DetailsOnlyAbout(params string[] fields) => body =>
    {
        if ((string?)body["error"]?["code"] != "invalid_trace")
        {
            return null;
        }

        if (body["error"]!["details"] is not JsonObject details || details.Count == 0)
        {
            return "invalid_trace without details";
        }

        var others = details.Select(p => p.Key).Where(k => !fields.Any(f => k == f || k.StartsWith(f + ".", StringComparison.Ordinal))).ToArray();
        return others.Length == 0 ? null : $"details blame {string.Join(", ", others)}, but only {string.Join(", ", fields)} changed";
    };

    private static IEnumerable<string> Problems(FuzzCase fuzz, Answer answer, out string? code)
    {
        var problems = new List<string>();
        code = null;
        if (answer.Status >= 500)
        {
            problems.Add($"a server error ({answer.Status})");
        }
        else if (!ContractStatuses.Contains(answer.Status))
        {
            problems.Add($"status {answer.Status} is not one the contract names here");
        }

        if (fuzz.Statuses is { } statuses && !statuses.Contains(answer.Status))
        {
            problems.Add($"expected {string.Join(" or ", statuses)}");
        }

        JsonObject? body = null;
        try
        {
            body = JsonNode.Parse(answer.Body) as JsonObject;
        }
        catch (JsonException)
        {
        }

        if (body is null || answer.MediaType != Json)
        {
            problems.Add($"the answer is not a JSON object (Content-Type: {answer.MediaType ?? "none"})");
            return problems;
        }

        if (answer.Status == 202)
        {
            if (body["success"]?.GetValueKind() != JsonValueKind.True && body["count"]?.GetValueKind() != JsonValueKind.Number)
            {
                problems.Add("a 202 that says neither success nor count");
            }
        }
        else
        {
            code = ErrorShape(body, problems);
            if (fuzz.Codes is { } codes && code is not null && !codes.Contains(code))
            {
                problems.Add($"code {code}, expected {string.Join(" or ", codes)}");
            }

            if (answer.Status == 401 && !answer.BearerChallenge)
            {
                problems.Add("a 401 without WWW-Authenticate: Bearer");
            }
        }

        if ((answer.Status is 202 or 400) && fuzz.Verify?.Invoke(body) is { } mismatch)
        {
            problems.Add(mismatch);
        }

        return problems;
    }

    // Exactly {"error":{"code":"…","message":"…"}}, with per-field details allowed for invalid traces (DESIGN §3.1).
    private static string? ErrorShape(JsonObject body, List<string> problems)
    {
        if (body.Count != 1 || body["error"] is not JsonObject error)
        {
            problems.Add("not exactly {\"error\":{…}}");
            return null;
        }

        var code = error["code"] is JsonValue c && c.GetValueKind() == JsonValueKind.String ? (string?)c : null;
        var message = error["message"] is JsonValue m && m.GetValueKind() == JsonValueKind.String ? (string?)m : null;
        if (string.IsNullOrWhiteSpace(code) || string.IsNullOrWhiteSpace(message))
        {
            problems.Add("error.code and error.message must be non-empty strings");
        }
        else if (message.Contains('\n') || message.Contains('\r') || !message.EndsWith('.'))
        {
            // The SDKs print "[code] message" as one log line (DESIGN §3.7).
            problems.Add($"error.message must be whole sentences on one line: {message}");
        }

        foreach (var (name, value) in error)
        {
            if (name is not ("code" or "message" or "details"))
            {
                problems.Add($"an unexpected member error.{name}");
            }
            else if (name == "details" && (value is not JsonObject details || details.Any(d => d.Value?.GetValueKind() != JsonValueKind.String)))
            {
                problems.Add("error.details must map fields to messages");
            }
        }

        return code;
    }

    private FuzzCase Case(
        string category, string description, byte[] body, int[]? statuses = null, string[]? codes = null, string? contentType = Json,
        string? authorization = null, bool withAuthorization = true, bool chunked = false, HttpClient? client = null,
        Func<JsonObject, string?>? verify = null, string? origin = null) =>
        Case(category, description, () => body, statuses, codes, contentType, authorization, withAuthorization, chunked, client, verify, origin);

    // The body is made when the request is sent, so the megabyte-sized ones are not all held at once.
    private FuzzCase Case(
        string category, string description, Func<byte[]> body, int[]? statuses = null, string[]? codes = null, string? contentType = Json,
        string? authorization = null, bool withAuthorization = true, bool chunked = false, HttpClient? client = null,
        Func<JsonObject, string?>? verify = null, string? origin = null)
    {
        var header = withAuthorization ? authorization ?? $"Bearer {_key}" : null;
        return new FuzzCase(category, description, Http(() =>
        {
            var request = Request(Content(body(), contentType, chunked), header);
            if (origin is not null)
            {
                request.Headers.Add("Origin", origin);
            }

            return request;
        }, client), statuses, codes, verify);
    }

    private static HttpRequestMessage Request(HttpContent? content, string? authorization)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/traces") { Content = content };
        if (authorization is not null)
        {
            Assert.True(request.Headers.TryAddWithoutValidation("Authorization", authorization));
        }

        return request;
    }

    private static HttpContent Content(byte[] body, string? contentType, bool chunked)
    {
        // A pipe reader's stream cannot seek, so HttpClient cannot know the length and streams the body chunked.
        HttpContent content = chunked
            ? new StreamContent(PipeReader.Create(new ReadOnlySequence<byte>(body)).AsStream())
            : new ByteArrayContent(body);
        if (chunked)
        {
            Assert.Null(content.Headers.ContentLength);
        }

        if (contentType is not null)
        {
            Assert.True(content.Headers.TryAddWithoutValidation("Content-Type", contentType));
        }

        return content;
    }

    private Func<Task<Answer>> Http(Func<HttpRequestMessage> build, HttpClient? client = null) => async () =>
    {
        using var request = build();
        using var response = await (client ?? _client).SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return new Answer((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, text,
            response.Headers.WwwAuthenticate.Any(h => h.Scheme == "Bearer"));
    };

    // Over a plain socket, for what HttpClient will not send: repeated headers, hand-made chunks, a lying Content-Length.
    private Func<Task<Answer>> Raw(string headerLines, byte[] body, bool contentLength = true, int[]? chunkSizes = null, Encoding? headEncoding = null) => async () =>
    {
        var address = _client.BaseAddress!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(address.Host, address.Port, timeout.Token);
        var stream = tcp.GetStream();
        var head = new StringBuilder($"POST /api/v1/traces HTTP/1.1\r\nHost: {address.Authority}\r\nConnection: close\r\n{headerLines}");
        var wire = new MemoryStream();
        if (chunkSizes is not null)
        {
            head.Append("Transfer-Encoding: chunked\r\n");
            var at = 0;
            for (var i = 0; at < body.Length; i++)
            {
                var size = Math.Min(chunkSizes[i % chunkSizes.Length], body.Length - at);
                wire.Write(Encoding.ASCII.GetBytes($"{size:x}{(i % 7 == 3 ? ";ext=1" : string.Empty)}\r\n"));
                wire.Write(body, at, size);
                wire.Write("\r\n"u8);
                at += size;
            }

            wire.Write("0\r\n\r\n"u8);
        }
        else
        {
            if (contentLength)
            {
                head.Append(CultureInfo.InvariantCulture, $"Content-Length: {body.Length}\r\n");
            }

            wire.Write(body);
        }

        head.Append("\r\n");
        await stream.WriteAsync((headEncoding ?? Encoding.UTF8).GetBytes(head.ToString()), timeout.Token);
        await stream.WriteAsync(wire.ToArray(), timeout.Token);

        // Connection: close, so the answer ends where the server closes the connection.
        using var received = new MemoryStream();
        await stream.CopyToAsync(received, timeout.Token);
        return ParseRawAnswer(received.ToArray());
    };

    private static Answer ParseRawAnswer(byte[] raw)
    {
        var end = raw.AsSpan().IndexOf("\r\n\r\n"u8);
        Assert.True(end > 0, $"no HTTP answer: {Shorten(Encoding.Latin1.GetString(raw), 200)}");
        var lines = Encoding.Latin1.GetString(raw, 0, end).Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1], CultureInfo.InvariantCulture);
        var headers = lines.Skip(1).Select(l => l.Split(':', 2)).Select(p => (Name: p[0].Trim(), Value: p[1].Trim())).ToArray();
        string? Header(string name) => headers.FirstOrDefault(h => h.Name.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;

        var body = raw.AsSpan(end + 4);
        var decoded = new MemoryStream();
        if (Header("Transfer-Encoding") is { } encoding && encoding.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            while (true)
            {
                var lineEnd = body.IndexOf("\r\n"u8);
                var size = int.Parse(Encoding.ASCII.GetString(body[..lineEnd]).Split(';')[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                body = body[(lineEnd + 2)..];
                if (size == 0)
                {
                    break;
                }

                decoded.Write(body[..size]);
                body = body[(size + 2)..];
            }
        }
        else
        {
            decoded.Write(body);
        }

        var mediaType = Header("Content-Type")?.Split(';')[0].Trim();
        var bearer = headers.Any(h => h.Name.Equals("WWW-Authenticate", StringComparison.OrdinalIgnoreCase) && h.Value.StartsWith("Bearer", StringComparison.Ordinal));
        return new Answer(status, mediaType, Encoding.UTF8.GetString(decoded.ToArray()), bearer);
    }

    // A valid event, one with text in several scripts, or a batch of two: the shapes cut and mutated above.
    private static string BaseJson(Random random, int shape)
    {
        var trace = Event(random);
        return shape switch
        {
            0 => trace.ToJsonString(Relaxed),
            1 => WithUnicode(trace).ToJsonString(Relaxed),
            _ => "[" + trace.ToJsonString(Relaxed) + "," + Event(random).ToJsonString(Relaxed) + "]",
        };

        static JsonObject WithUnicode(JsonObject trace)
        {
            trace["input"]![0]!["content"] = "Grüße, 世界! Привет 👋🏽 مرحبا";
            return trace;
        }
    }

    // TraceEvents.Valid() with ids from the seeded generator and fixed times, so every run sends the same bytes
    // (and the sample dates the cases put in end_time are not before its start).
    private static JsonObject Event(Random random)
    {
        var trace = TraceEvents.Valid();
        trace["start_time"] = "2025-06-01T12:00:00.000Z";
        trace["end_time"] = "2025-06-01T12:00:01.250Z";
        trace["trace_id"] = UuidWithVersion(random, 7);
        trace["span_id"] = UuidWithVersion(random, 7);
        trace["thread_id"] = UuidWithVersion(random, 7);
        return trace;
    }

    private static string UuidWithVersion(Random random, int version)
    {
        Span<byte> bytes = stackalloc byte[16];
        random.NextBytes(bytes);
        bytes[6] = (byte)((version << 4) | (bytes[6] & 0x0F));
        bytes[8] = (byte)(0x80 | (bytes[8] & 0x3F));
        return new Guid(bytes, bigEndian: true).ToString();
    }

    private static string RandomKeyChars(Random random, int length)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        return string.Create(length, random, (span, r) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = alphabet[r.Next(alphabet.Length)];
            }
        });
    }

    private static string Fill(JsonObject trace, string raw) => trace.ToJsonString(Relaxed).Replace(Slot, raw, StringComparison.Ordinal);

    private static string Nest(int depth, string open, string close, string inner)
    {
        var text = new StringBuilder(depth * (open.Length + close.Length) + inner.Length);
        text.Insert(0, open, depth).Append(inner);
        return text.Insert(text.Length, close, depth).ToString();
    }

    private static TheoryData<string> Kinds(string[] kinds)
    {
        var data = new TheoryData<string>();
        foreach (var kind in kinds)
        {
            data.Add(kind);
        }

        return data;
    }

    // The one right answer to an event that differs from a valid one only where the contract says.
    private static int[] ContractAnswer(bool accepted) => accepted ? Accepted : BadRequest;

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private static string Shorten(string text, int length) => text.Length <= length ? text : text[..length] + "…";

    private static (long Managed, long WorkingSet) SampleMemory()
    {
        // An aggressive, compacting collection gives freed memory back to the system, so the working set shows what is
        // still held rather than what the GC keeps around for the next burst of megabyte-sized bodies.
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        var managed = GC.GetTotalMemory(forceFullCollection: true);
        using var process = Process.GetCurrentProcess();
        return (managed, process.WorkingSet64);
    }

    /// <summary>One generated request and what its answer may be (null: anything the contract allows).</summary>
    private sealed record FuzzCase(
        string Category, string Description, Func<Task<Answer>> Send, int[]? Statuses = null, string[]? Codes = null, Func<JsonObject, string?>? Verify = null);

    /// <summary>What came back, as an SDK sees it.</summary>
    private sealed record Answer(int Status, string? MediaType, string Body, bool BearerChallenge);
}
