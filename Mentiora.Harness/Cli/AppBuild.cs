using Mentiora.Harness.Processes;

namespace Mentiora.Harness.Cli;

/// <summary>Builds Mentiora.Web when its binary is missing or older than the sources: a stale binary would run something else than what is checked out.</summary>
internal static class AppBuild
{
    private static readonly string[] SkippedFolders = ["bin", "obj", "data", "node_modules"];

    public static async Task EnsureCurrentAsync(bool force)
    {
        var dll = RepositoryLayout.AppDll;
        if (!force && File.Exists(dll) && !SourcesNewerThan(File.GetLastWriteTimeUtc(dll))) return;
        Report.Progress("Building Mentiora.Web (dotnet build -c Release)");
        // A failed build throws with the compiler's words; a good one has nothing to say.
        await CommandRunner.RunAsync("dotnet",
            ["build", Path.Combine(RepositoryLayout.WebProject, "Mentiora.Web.csproj"), "-c", "Release", "-nologo", "-v", "quiet", "-clp:ErrorsOnly"],
            workingDirectory: RepositoryLayout.Root, timeout: TimeSpan.FromMinutes(10));
    }

    private static bool SourcesNewerThan(DateTime built)
    {
        var roots = new[] { RepositoryLayout.WebProject, Path.Combine(RepositoryLayout.Root, "Mentiora.Grains") };
        var props = Directory.EnumerateFiles(RepositoryLayout.Root, "Directory.*.props");
        return props.Concat(roots.Where(Directory.Exists).SelectMany(Files)).Any(file => File.GetLastWriteTimeUtc(file) > built);
    }

    private static IEnumerable<string> Files(string dir)
    {
        foreach (var file in Directory.EnumerateFiles(dir)) yield return file;
        foreach (var sub in Directory.EnumerateDirectories(dir).Where(d => !SkippedFolders.Contains(Path.GetFileName(d))))
        {
            foreach (var file in Files(sub)) yield return file;
        }
    }
}
