using System.Globalization;
using System.Text.Json;
using System.Text.Unicode;
using System.Text.RegularExpressions;

namespace Mentiora.Tests.Web;

/// <summary>
/// The ingestion contract's rule for each field of a trace event (DESIGN.md §3.1), written out on
/// its own so the fuzz tests know the one right answer to a value instead of accepting either.
/// </summary>
public static partial class TraceFieldContract
{
    /// <summary>The longest name, in UTF-16 characters.</summary>
    public const int MaxNameLength = 256;

    /// <summary>The longest model and provider, in UTF-16 characters.</summary>
    public const int MaxModelLength = 256;

    /// <summary>The most tags an event may carry.</summary>
    public const int MaxTags = 50;

    /// <summary>The longest tag, in UTF-16 characters.</summary>
    public const int MaxTagLength = 200;

    private static readonly HashSet<string> Types = new(StringComparer.Ordinal) { "llm", "tool", "chat", "error", "custom" };

    private static readonly string[] Counts = ["prompt_tokens", "completion_tokens", "total_tokens"];

    private static readonly string[] Named =
    [
        "trace_id", "span_id", "parent_span_id", "thread_id", "name", "type", "start_time", "end_time", "duration_ms", "usage", "tags",
        "model", "provider", "metadata", "error",
    ];

    // What JSON is (RFC 8259), plus the contract's refusals of ambiguous and absurdly deep documents.
    private static readonly JsonDocumentOptions Reading = new() { AllowDuplicateProperties = false, MaxDepth = 64 };

    /// <summary>
    /// The answer to a whole body: null when it is not JSON the endpoint reads (invalid_json: not UTF-8,
    /// not JSON, a name twice in one object, deeper than 64, a lone surrogate escape), otherwise whether
    /// it is accepted: one valid event, or an array of 1 to 1,000 valid events.
    /// </summary>
    public static bool? AcceptsBody(byte[] body)
    {
        if (!Utf8.IsValid(body))
        {
            return null;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, Reading);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return null;
        }

        using (document)
        {
            var root = document.RootElement;
            if (HasLoneSurrogate(root))
            {
                return null;
            }

            return root.ValueKind switch
            {
                JsonValueKind.Object => AcceptsEvent(root),
                JsonValueKind.Array => root.GetArrayLength() is >= 1 and <= 1000 && root.EnumerateArray().All(e => e.ValueKind == JsonValueKind.Object && AcceptsEvent(e)),
                _ => false,
            };
        }
    }

    /// <summary>Whether an event otherwise valid is accepted with <paramref name="rawValue"/> (JSON text) in <paramref name="field"/>.</summary>
    /// <remarks>
    /// Fields are named as the SDKs send them; <c>usage.prompt_tokens</c> and the like name a count
    /// inside usage. Any field the contract does not name takes any JSON. end_time is judged alone:
    /// the events of the fuzz tests end after they start with every date the odd values hold.
    /// </remarks>
    public static bool Accepts(string field, string rawValue)
    {
        using var document = JsonDocument.Parse(rawValue);
        var value = document.RootElement;
        var isNull = value.ValueKind == JsonValueKind.Null;
        return field switch
        {
            "trace_id" or "span_id" => UuidVersion(value) == 7,
            "parent_span_id" or "thread_id" => isNull || UuidVersion(value) is not null,
            "name" => IsStorableText(value) && value.GetString()!.Length is >= 1 and <= MaxNameLength,
            "type" => value.ValueKind == JsonValueKind.String && Types.Contains(value.GetString()!),
            "start_time" => IsDateTime(value),
            "end_time" => isNull || IsDateTime(value),
            "duration_ms" => isNull || IsNonNegativeNumber(value),
            "usage" => isNull || (value.ValueKind == JsonValueKind.Object &&
                                  Counts.All(c => !value.TryGetProperty(c, out var count) || count.ValueKind == JsonValueKind.Null || IsCount(count))),
            "usage.prompt_tokens" or "usage.completion_tokens" or "usage.total_tokens" => isNull || IsCount(value),
            "tags" => isNull || (value.ValueKind == JsonValueKind.Array && value.GetArrayLength() <= MaxTags &&
                                 value.EnumerateArray().All(tag => IsStorableText(tag) && tag.GetString()!.Length <= MaxTagLength)),
            "model" or "provider" => isNull || (IsStorableText(value) && value.GetString()!.Length <= MaxModelLength),
            "metadata" or "error" => isNull || value.ValueKind == JsonValueKind.Object,
            _ => true,
        };
    }

    /// <summary>Whether the object is a valid event: every named field by its rule, the required ones there, the end not before the start.</summary>
    public static bool AcceptsEvent(JsonElement trace)
    {
        foreach (var field in Named)
        {
            if (trace.TryGetProperty(field, out var value) ? !Accepts(field, value.GetRawText()) : IsRequired(field))
            {
                return false;
            }
        }

        return !(trace.TryGetProperty("end_time", out var end) && end.ValueKind == JsonValueKind.String &&
                 TryReadInstant(trace.GetProperty("start_time").GetString()!, out var startTicks) &&
                 TryReadInstant(end.GetString()!, out var endTicks) && endTicks < startTicks);
    }

    /// <summary>Whether an event without <paramref name="field"/> is refused.</summary>
    public static bool IsRequired(string field) => field is "trace_id" or "span_id" or "name" or "type" or "start_time";

    /// <summary>
    /// Whether <paramref name="text"/> is ISO 8601 as the contract reads it (System.Text.Json's extended
    /// ISO 8601-1:2019 profile): a date, optionally a time with or without seconds and fraction, optionally
    /// Z or an offset of hours and minutes, naming an instant the calendar holds.
    /// </summary>
    public static bool IsDateTime(string text) => TryReadInstant(text, out _);

    // The instant, in UTC ticks, of a date and time the contract reads; a time without an offset is UTC.
    private static bool TryReadInstant(string text, out long utcTicks)
    {
        utcTicks = 0;
        var match = IsoDateTime().Match(text);
        if (!match.Success)
        {
            return false;
        }

        int Part(string name) => match.Groups[name].Success ? int.Parse(match.Groups[name].Value, CultureInfo.InvariantCulture) : 0;
        var (year, month, day, hour, minute, second) = (Part("year"), Part("month"), Part("day"), Part("hour"), Part("minute"), Part("second"));
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        var offset = TimeSpan.Zero;
        if (match.Groups["offset"].Value is ['+' or '-', ..] zone)
        {
            var (hours, minutes) = (int.Parse(zone[1..3], CultureInfo.InvariantCulture), int.Parse(zone[4..6], CultureInfo.InvariantCulture));
            if (hours > 14 || minutes > 59 || (hours == 14 && minutes > 0))
            {
                return false;
            }

            offset = new TimeSpan(hours, minutes, 0) * (zone[0] == '-' ? -1 : 1);
        }

        // The instant must exist: a time at the edge of the calendar may fall off it once its offset is taken away.
        var local = new DateTime(year, month, day, hour, minute, second).Ticks + FractionTicks(match.Groups["fraction"].Value);
        utcTicks = local - offset.Ticks;
        return local <= DateTime.MaxValue.Ticks && utcTicks >= DateTime.MinValue.Ticks && utcTicks <= DateTime.MaxValue.Ticks;
    }

    private static bool IsDateTime(JsonElement value) => value.ValueKind == JsonValueKind.String && IsDateTime(value.GetString()!);

    // Text the database can store as text: escapes that decode to half a surrogate pair are not.
    private static bool HasLoneSurrogate(JsonElement value)
    {
        try
        {
            return value.ValueKind switch
            {
                JsonValueKind.String => IsBroken(value.GetString()!),
                JsonValueKind.Array => value.EnumerateArray().Any(HasLoneSurrogate),
                JsonValueKind.Object => value.EnumerateObject().Any(p => IsBroken(p.Name) || HasLoneSurrogate(p.Value)),
                _ => false,
            };
        }
        catch (InvalidOperationException)
        {
            return true;
        }

        static bool IsBroken(string text)
        {
            for (var i = 0; i < text.Length; i++)
            {
                if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                {
                    i++;
                }
                else if (char.IsSurrogate(text[i]))
                {
                    return true;
                }
            }

            return false;
        }
    }

    private static long FractionTicks(string fraction)
    {
        // Ticks are tenths of a microsecond: seven digits count, the rest are dropped.
        var digits = (fraction.Length > 7 ? fraction[..7] : fraction).PadRight(7, '0');
        return fraction.Length == 0 ? 0 : long.Parse(digits, CultureInfo.InvariantCulture);
    }

    // A UUID in the 8-4-4-4-12 form (either case), and its version; null for anything else.
    private static int? UuidVersion(JsonElement value) =>
        value.ValueKind == JsonValueKind.String && value.GetString() is { } text && Uuid().IsMatch(text)
            ? Convert.ToInt32(text[14].ToString(), 16)
            : null;

    // Text the database can hold: a string without NUL.
    private static bool IsStorableText(JsonElement value) => value.ValueKind == JsonValueKind.String && !value.GetString()!.Contains('\0');

    // Any JSON number that is a finite double of at least 0 (so -0 and 1e-400, which is 0, count).
    private static bool IsNonNegativeNumber(JsonElement value) =>
        value.ValueKind == JsonValueKind.Number &&
        double.Parse(value.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture) is var number && double.IsFinite(number) && number >= 0;

    // A whole number written in digits (no fraction, no exponent) that fits in 64 bits and is at least 0.
    private static bool IsCount(JsonElement value) =>
        value.ValueKind == JsonValueKind.Number && Digits().IsMatch(value.GetRawText()) &&
        long.TryParse(value.GetRawText(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var count) && count >= 0;

    [GeneratedRegex(@"^(?<year>[0-9]{4})-(?<month>[0-9]{2})-(?<day>[0-9]{2})(?:T(?<hour>[0-9]{2}):(?<minute>[0-9]{2})(?::(?<second>[0-9]{2})(?:\.(?<fraction>[0-9]+))?)?(?<offset>Z|[+-][0-9]{2}:[0-9]{2})?)?$")]
    private static partial Regex IsoDateTime();

    [GeneratedRegex("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")]
    private static partial Regex Uuid();

    [GeneratedRegex("^-?(?:0|[1-9][0-9]*)$")]
    private static partial Regex Digits();
}
