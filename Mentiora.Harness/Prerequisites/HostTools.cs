using Mentiora.Harness.Processes;

namespace Mentiora.Harness.Prerequisites;

/// <summary>
/// Finds the programs the harness drives (PostgreSQL's server binaries, nginx, Chromium, wrk, fonts) and, as root on a
/// machine with apt-get, installs the missing ones; elsewhere it says how to install them. The one copy of that logic.
/// </summary>
/// <remarks>
/// Usage: <c>var nginx = await HostTools.RequireAsync(Prerequisite.Nginx, install: true);</c> or
/// <c>HostTools.Find(Prerequisite.Wrk)</c> (null when missing).
/// </remarks>
public static class HostTools
{
    /// <summary>The variable that names a Chromium or Chrome executable to use instead of the system's.</summary>
    public const string ChromiumVariable = "MENTIORA_CHROMIUM";

    private static readonly SemaphoreSlim AptLock = new(1, 1);
    private static bool _aptUpdated;

    /// <summary>True when this process runs as root.</summary>
    public static bool IsRoot => Environment.UserName == "root";

    /// <summary>True when missing programs can be installed here: root with apt-get.</summary>
    public static bool CanInstall => IsRoot && FindOnPath("apt-get") is not null;

    /// <summary>Where the program is (for PostgreSQL: the folder of initdb and pg_ctl; for fonts: one font file), or null.</summary>
    public static string? Find(Prerequisite what) => what switch
    {
        Prerequisite.Postgres => FindPostgresBinaries(),
        Prerequisite.Nginx => FindOnPath("nginx") ?? (File.Exists("/usr/sbin/nginx") ? "/usr/sbin/nginx" : null),
        Prerequisite.Chromium => FindChromium(),
        Prerequisite.Wrk => FindOnPath("wrk"),
        Prerequisite.Fonts => FindFont(),
        _ => throw new ArgumentOutOfRangeException(nameof(what)),
    };

    /// <summary>
    /// Where the program is; when missing and <paramref name="install"/> is true and this machine can, installs it first.
    /// Throws with how to install it otherwise.
    /// </summary>
    public static async Task<string> RequireAsync(Prerequisite what, bool install, Action<string>? progress = null)
    {
        if (Find(what) is { } found) return found;
        if (what == Prerequisite.Chromium && Environment.GetEnvironmentVariable(ChromiumVariable) is { Length: > 0 } named)
            throw new InvalidOperationException($"{ChromiumVariable} is set to '{named}', which is not an executable Chromium.");
        if (install && CanInstall)
        {
            await InstallAsync(what, progress);
            if (Find(what) is { } installed) return installed;
            throw new InvalidOperationException($"{Describe(what)} is still missing after apt-get install {PackageOf(what)}.");
        }

        throw new InvalidOperationException($"{Describe(what)} is missing. {HowToInstall(what)}");
    }

    /// <summary>One sentence saying how to install the program by hand.</summary>
    public static string HowToInstall(Prerequisite what) => what switch
    {
        Prerequisite.Postgres => "Install them (Debian/Ubuntu: sudo apt-get update && sudo apt-get install postgresql).",
        Prerequisite.Nginx => "Install it (Debian/Ubuntu: sudo apt-get update && sudo apt-get install nginx; elsewhere your package manager's nginx) so that 'nginx' is on PATH or /usr/sbin/nginx exists.",
        Prerequisite.Chromium => $"Install it (Debian/Ubuntu: sudo apt-get update && sudo apt-get install chromium), or set {ChromiumVariable} to the path of a Chromium or Chrome executable.",
        Prerequisite.Wrk => "Install it (Debian/Ubuntu: sudo apt-get update && sudo apt-get install wrk).",
        Prerequisite.Fonts => "Install one (Debian/Ubuntu: sudo apt-get install fonts-dejavu-core).",
        _ => throw new ArgumentOutOfRangeException(nameof(what)),
    };

    /// <summary>The folder of initdb and pg_ctl: from PATH, else the newest of Debian's /usr/lib/postgresql/&lt;major&gt;/bin.</summary>
    public static string? FindPostgresBinaries()
    {
        static bool HasTools(string dir) => File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "pg_ctl"));

        var onPath = PathFolders().FirstOrDefault(HasTools);
        if (onPath is not null) return onPath;

        // Debian and Ubuntu keep the server binaries off PATH, one folder per major version.
        const string debianRoot = "/usr/lib/postgresql";
        if (!Directory.Exists(debianRoot)) return null;
        return Directory.GetDirectories(debianRoot)
            .OrderByDescending(dir => int.TryParse(Path.GetFileName(dir), out var major) ? major : -1)
            .Select(dir => Path.Combine(dir, "bin"))
            .FirstOrDefault(HasTools);
    }

    /// <summary>The full path of an executable on PATH, or null.</summary>
    public static string? FindOnPath(string name) =>
        PathFolders().Select(dir => Path.Combine(dir, name)).FirstOrDefault(File.Exists);

    private static string? FindChromium()
    {
        var named = Environment.GetEnvironmentVariable(ChromiumVariable);
        if (!string.IsNullOrEmpty(named)) return File.Exists(named) ? named : FindOnPath(named);
        if (File.Exists("/usr/bin/chromium")) return "/usr/bin/chromium";
        return FindOnPath("chromium") ?? FindOnPath("chromium-browser");
    }

    private static string? FindFont() =>
        new[] { "/usr/share/fonts", "/usr/local/share/fonts" }.Where(Directory.Exists)
            .SelectMany(dir => Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories))
            .FirstOrDefault(file => file.EndsWith(".ttf", StringComparison.OrdinalIgnoreCase) || file.EndsWith(".otf", StringComparison.OrdinalIgnoreCase));

    private static IEnumerable<string> PathFolders() =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);

    private static string PackageOf(Prerequisite what) => what switch
    {
        Prerequisite.Postgres => "postgresql",
        Prerequisite.Nginx => "nginx",
        Prerequisite.Chromium => "chromium",
        Prerequisite.Wrk => "wrk",
        Prerequisite.Fonts => "fonts-dejavu-core",
        _ => throw new ArgumentOutOfRangeException(nameof(what)),
    };

    private static string Describe(Prerequisite what) => what switch
    {
        Prerequisite.Postgres => "The PostgreSQL server binaries (initdb, pg_ctl)",
        Prerequisite.Nginx => "nginx",
        Prerequisite.Chromium => "Chromium",
        Prerequisite.Wrk => "wrk",
        Prerequisite.Fonts => "A font for the browser screenshots",
        _ => throw new ArgumentOutOfRangeException(nameof(what)),
    };

    // Debian's PostgreSQL and nginx packages would start a system service on their default port, which nobody asked
    // for and which would load the machine: while they install, policy-rc.d refuses every service start (unless the
    // machine has a policy of its own). The package lists are refreshed once per process.
    private static async Task InstallAsync(Prerequisite what, Action<string>? progress)
    {
        const string policy = "/usr/sbin/policy-rc.d";
        var package = PackageOf(what);
        await AptLock.WaitAsync();
        var added = false;
        try
        {
            progress?.Invoke($"Installing {package} (apt-get install {package})");
            if (!File.Exists(policy))
            {
                await File.WriteAllTextAsync(policy, "#!/bin/sh\n# Temporary, from the Mentiora harness: no service starts during its apt-get install.\nexit 101\n");
                if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(policy, (UnixFileMode)0b111_101_101);
                added = true;
            }

            var environment = new Dictionary<string, string> { ["DEBIAN_FRONTEND"] = "noninteractive" };
            if (!_aptUpdated)
            {
                await CommandRunner.RunAsync("apt-get", ["update", "-qq"], environment: environment, timeout: TimeSpan.FromMinutes(10));
                _aptUpdated = true;
            }

            await CommandRunner.RunAsync("apt-get", ["install", "-y", "-qq", "--no-install-recommends", package],
                environment: environment, timeout: TimeSpan.FromMinutes(20));
        }
        finally
        {
            if (added) File.Delete(policy);
            AptLock.Release();
        }
    }
}
