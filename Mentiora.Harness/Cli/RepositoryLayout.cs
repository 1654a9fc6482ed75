namespace Mentiora.Harness.Cli;

/// <summary>Where the command line finds the app it starts: the repository around this program, or MENTIORA_REPO.</summary>
internal static class RepositoryLayout
{
    /// <summary>The repository root (the folder with Mentiora.sln).</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The app's project folder, the silos' content root (appsettings.json, wwwroot), as with <c>dotnet run</c>.</summary>
    public static string WebProject => Path.Combine(Root, "Mentiora.Web");

    /// <summary>The app the silos run.</summary>
    public static string AppDll => Path.Combine(WebProject, "bin", "Release", "net10.0", "Mentiora.Web.dll");

    private static string FindRoot()
    {
        if (Environment.GetEnvironmentVariable("MENTIORA_REPO") is { Length: > 0 } named) return Path.GetFullPath(named);
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Mentiora.sln"))) return dir.FullName;
        }

        throw new UsageException("cannot find the repository (no Mentiora.sln above this program); set MENTIORA_REPO to its folder");
    }
}
