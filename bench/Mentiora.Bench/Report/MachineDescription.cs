using System.Globalization;
using Mentiora.Bench.Measuring;
using Mentiora.Bench.Output;

namespace Mentiora.Bench.Report;

/// <summary>The machine and versions a report was measured on: the numbers only describe this setup.</summary>
public static class MachineDescription
{
    public static IReadOnlyList<string> Lines(string repository, int wrkThreads, string? postgresVersion, string? sqliteVersion)
    {
        var cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim();
        var memoryKib = File.ReadLines("/proc/meminfo").Where(l => l.StartsWith("MemTotal:", StringComparison.Ordinal))
            .Select(l => Numbers.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1])).FirstOrDefault();
        var os = File.Exists("/etc/os-release")
            ? File.ReadLines("/etc/os-release").FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))?["PRETTY_NAME=".Length..].Trim('"')
            : null;
        var runtime = Output("dotnet", "--list-runtimes").Split('\n').Where(l => l.StartsWith("Microsoft.NETCore.App ", StringComparison.Ordinal))
            .Select(l => l.Split(' ')[1]).LastOrDefault() ?? "unknown";
        var commit = Output("git", "-C", repository, "rev-parse", "--short", "HEAD").Trim();
        var changed = Output("git", "-C", repository, "status", "--porcelain", "--", "Mentiora.Web", "Mentiora.Grains")
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
        var wrk = Output("wrk", "-v").Split('\n')[0].Split(' ', StringSplitOptions.RemoveEmptyEntries).ElementAtOrDefault(1) ?? "unknown";
        var lines = new List<string>
        {
            $"- CPU: {Environment.ProcessorCount} cores, {cpu ?? "unknown model"}",
            string.Create(CultureInfo.InvariantCulture, $"- memory: {memoryKib / 1048576:0.0} GiB"),
            $"- OS: {os ?? "unknown"}, kernel {Output("uname", "-r").Trim()}",
            $"- .NET SDK {Output("dotnet", "--version").Trim()}, runtime {runtime}",
            $"- Mentiora: commit {(commit.Length > 0 ? commit : "unknown")}" +
                (changed == 0 ? "" : $", with {changed} uncommitted change(s) in Mentiora.Web and Mentiora.Grains"),
            $"- wrk: {wrk}, {wrkThreads} threads",
        };
        if (postgresVersion is not null)
        {
            lines.Add($"- PostgreSQL: {postgresVersion}");
        }

        if (sqliteVersion is not null)
        {
            lines.Add($"- SQLite (Microsoft.Data.Sqlite): {sqliteVersion}");
        }

        return lines;
    }

    // A tool's whole output, or "" when it is missing or fails: the description never stops a report.
    private static string Output(string tool, params string[] arguments)
    {
        try
        {
            return ExternalProcess.Start(tool, arguments, logPath: null).WaitAsync().GetAwaiter().GetResult().Output;
        }
        catch (BenchFailedException)
        {
            return "";
        }
    }
}
