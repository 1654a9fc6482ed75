using Mentiora.Harness.Prerequisites;

namespace Mentiora.Harness.Cli;

/// <summary>
/// <c>prerequisites [--install] [postgres] [nginx] [chromium] [wrk] [fonts]</c>: prints where each program is; with
/// <c>--install</c>, installs the missing ones where this machine can (root with apt-get). Exit code 1 when one is missing.
/// </summary>
internal static class PrerequisitesCommand
{
    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        var install = args.Contains("--install");
        var wanted = new List<Prerequisite>();
        foreach (var arg in args.Where(a => a != "--install"))
        {
            if (!Enum.TryParse<Prerequisite>(arg, ignoreCase: true, out var what) || int.TryParse(arg, out _))
                throw new UsageException($"unknown prerequisite '{arg}'; use postgres, nginx, chromium, wrk or fonts");
            wanted.Add(what);
        }

        if (wanted.Count == 0) wanted.AddRange(Enum.GetValues<Prerequisite>());
        var missing = 0;
        foreach (var what in wanted)
        {
            try
            {
                // A font only makes screenshots readable; it is installed where possible but never required.
                var found = what == Prerequisite.Fonts && !HostTools.CanInstall
                    ? HostTools.Find(what) ?? "none (screenshots show boxes instead of text)"
                    : await HostTools.RequireAsync(what, install, Report.Progress);
                Console.WriteLine($"{what.ToString().ToLowerInvariant()}: {found}");
            }
            catch (InvalidOperationException e)
            {
                missing++;
                Console.Error.WriteLine($"{what.ToString().ToLowerInvariant()}: {e.Message}");
            }
        }

        return missing == 0 ? 0 : 1;
    }
}
