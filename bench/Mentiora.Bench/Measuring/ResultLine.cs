using System.Globalization;

namespace Mentiora.Bench.Measuring;

/// <summary>The machine-readable "BENCH ..." (wrk's Lua scripts) or "LOADGEN ..." line: key=value fields.</summary>
public sealed class ResultLine
{
    private readonly Dictionary<string, string> _fields;

    private ResultLine(Dictionary<string, string> fields) => _fields = fields;

    /// <summary>The last line of the output that starts with the marker, or null when there is none.</summary>
    public static ResultLine? FindLast(string output, string marker)
    {
        var line = output.Split('\n').LastOrDefault(l => l.StartsWith(marker + " ", StringComparison.Ordinal));
        if (line is null)
        {
            return null;
        }

        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in line[(marker.Length + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = part.IndexOf('=');
            if (equals > 0)
            {
                fields.TryAdd(part[..equals], part[(equals + 1)..].TrimEnd('\r'));
            }
        }

        return new ResultLine(fields);
    }

    /// <summary>The field as text, "" when the line lacks it (as the shell's empty value).</summary>
    public string Text(string name) => _fields.GetValueOrDefault(name, "");

    /// <summary>The field as a number, 0 when the line lacks it.</summary>
    public double Number(string name) =>
        double.TryParse(Text(name), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : 0;

    public long Whole(string name) => (long)Math.Round(Number(name));
}
