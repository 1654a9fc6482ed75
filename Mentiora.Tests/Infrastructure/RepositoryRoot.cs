namespace Mentiora.Tests.Infrastructure;

/// <summary>Finds files of the repository the tests were built from.</summary>
public static class RepositoryRoot
{
    /// <summary>The folder holding Mentiora.sln.</summary>
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Mentiora.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"Mentiora.sln not found above {AppContext.BaseDirectory}.");
    }
}
