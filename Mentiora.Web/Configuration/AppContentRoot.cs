namespace Mentiora.Web.Configuration;

/// <summary>
/// Finds the app's content root (appsettings.json, wwwroot, the default data folder) from where the app itself is, not
/// from the working directory it was started in: <c>cd /tmp &amp;&amp; dotnet /app/Mentiora.Web.dll</c> must still serve its
/// CSS and scripts and keep its SQLite file in its own data folder.
/// </summary>
public static class AppContentRoot
{
    private const string WebRoot = "wwwroot";
    private const string ProjectFile = "Mentiora.Web.csproj";
    private const string ProjectFolder = "Mentiora.Web";

    // From bin/Release/net10.0 of a project in the repository up to the repository's root, and a step more.
    private const int MaxLevelsUp = 5;

    /// <summary>
    /// The content root to use, or null when the command line or the environment already names one
    /// (<c>--contentRoot</c>, <c>ASPNETCORE_CONTENTROOT</c>, <c>DOTNET_CONTENTROOT</c>), which then wins.
    /// </summary>
    /// <exception cref="InvalidSettingException">No folder with wwwroot was found; the message says where the app looked.</exception>
    public static string? Find(string[] args, string appDirectory)
    {
        if (IsGiven(args))
        {
            return null;
        }

        // Published output has wwwroot beside the dll. A build output (bin/Release/net10.0, also of a project that
        // references this one) does not: the files are in the project folder, found upwards from the dll.
        var app = new DirectoryInfo(appDirectory);
        if (Directory.Exists(Path.Combine(app.FullName, WebRoot)))
        {
            return app.FullName;
        }

        var folder = app.Parent;
        for (var level = 0; folder is not null && level < MaxLevelsUp; level++, folder = folder.Parent)
        {
            foreach (var candidate in new[] { folder.FullName, Path.Combine(folder.FullName, ProjectFolder) })
            {
                if (File.Exists(Path.Combine(candidate, ProjectFile)) && Directory.Exists(Path.Combine(candidate, WebRoot)))
                {
                    return candidate;
                }
            }
        }

        throw new InvalidSettingException(
            $"Its web files ({WebRoot}) were found neither beside the app in {appDirectory} nor in a {ProjectFolder} project folder above it; start it with --contentRoot <the folder that holds {WebRoot} and appsettings.json>.");
    }

    private static bool IsGiven(string[] args) =>
        !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("ASPNETCORE_CONTENTROOT"))
        || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DOTNET_CONTENTROOT"))
        || args.Any(a => a.TrimStart('-', '/').StartsWith("contentRoot", StringComparison.OrdinalIgnoreCase));
}
