using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Mentiora.Tests.Infrastructure;

namespace Mentiora.Tests.Web;

public sealed partial class LibmanTests
{
    [Fact]
    public void TheCommittedHtmxIsTheVersionLibmanJsonNames()
    {
        var libman = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "libman.json")))!;
        var htmx = libman["libraries"]!.AsArray().Single(l => ((string)l!["library"]!).StartsWith("htmx.org@", StringComparison.Ordinal))!;
        var pinned = ((string)htmx["library"]!)["htmx.org@".Length..];
        var destination = Path.Combine(RepositoryRoot.Path, (string)htmx["destination"]!);

        Assert.Matches(@"^4\.0\.\d+$", pinned);
        foreach (var file in htmx["files"]!.AsArray().Select(f => Path.GetFileName((string)f!)))
        {
            var script = File.ReadAllText(Path.Combine(destination, file));
            var committed = VersionAssignment().Match(script);
            Assert.True(committed.Success, $"{file} does not state its version");
            Assert.Equal(pinned, committed.Groups[1].Value);
        }
    }

    [GeneratedRegex("""version\s*=\s*["'](\d+\.\d+\.\d+[^"']*)["']""")]
    private static partial Regex VersionAssignment();
}
