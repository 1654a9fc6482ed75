namespace Mentiora.Bench.Measuring;

/// <summary>Where the benchmark's own files are: the wrk scripts, the payload, the built load generator and baseline.</summary>
public sealed record BenchFiles(string Repository)
{
    public string Bench => Path.Combine(Repository, "bench");
    public string Payload => Path.Combine(Bench, "payload", "sdk-event.json");
    public string LuaScript(string name) => Path.Combine(Bench, "lua", name);
    public string BareKestrelProject => Path.Combine(Bench, "BareKestrel", "BareKestrel.csproj");
    public string BareKestrelDll => Path.Combine(Bench, "BareKestrel", "bin", "Release", "net10.0", "BareKestrel.dll");
    public string LoadGenProject => Path.Combine(Bench, "LoadGen", "LoadGen.csproj");
    public string LoadGenDll => Path.Combine(Bench, "LoadGen", "bin", "Release", "net10.0", "LoadGen.dll");
    public string WebDirectory => Path.Combine(Repository, "Mentiora.Web");
    public string WebProject => Path.Combine(WebDirectory, "Mentiora.Web.csproj");
    public string WebDll => Path.Combine(WebDirectory, "bin", "Release", "net10.0", "Mentiora.Web.dll");
    public string TraceSchema => Path.Combine(Repository, "Mentiora.Web", "Storage", "Schema", "Postgres");

    /// <summary>The repository that holds this program: the folder above bench/ with Mentiora.sln.</summary>
    public static BenchFiles Locate()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Mentiora.sln")) && System.IO.Directory.Exists(Path.Combine(directory.FullName, "bench")))
            {
                return new BenchFiles(directory.FullName);
            }
        }

        throw new InvalidOperationException("the repository (a folder with Mentiora.sln and bench/) is not above " + AppContext.BaseDirectory);
    }
}
