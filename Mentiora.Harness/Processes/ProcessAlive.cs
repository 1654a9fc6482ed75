using System.Globalization;

namespace Mentiora.Harness.Processes;

/// <summary>Whether a process id still names the process we started, read from /proc.</summary>
/// <remarks>Usage: <c>ProcessAlive.IsRunning(pid, "Mentiora.Web.dll")</c></remarks>
public static class ProcessAlive
{
    /// <summary>
    /// True while <paramref name="pid"/> runs and its command line contains <paramref name="commandLinePart"/>: the id of a
    /// process that died may have been given to an unrelated one since. A zombie has an empty command line, so it counts as gone.
    /// </summary>
    public static bool IsRunning(int pid, string? commandLinePart = null)
    {
        if (pid <= 0) return false;
        try
        {
            var commandLine = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/cmdline").Replace('\0', ' ');
            return commandLine.Length > 0 && (commandLinePart is null || commandLine.Contains(commandLinePart, StringComparison.Ordinal));
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Sends a signal (e.g. "TERM", "KILL") to a process, ignoring one that is already gone.</summary>
    public static void Signal(int pid, string signal)
    {
        if (pid <= 0) return;
        try
        {
            using var kill = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("kill", ["-" + signal, pid.ToString(CultureInfo.InvariantCulture)])
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
            });
            kill?.WaitForExit(5000);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // No kill(1) on this machine: nothing more can be done from here.
        }
    }

    /// <summary>
    /// Asks the processes to stop with SIGTERM, waits up to <paramref name="timeout"/> for them to go, then SIGKILLs the rest.
    /// Returns the ids that had to be killed.
    /// </summary>
    public static async Task<IReadOnlyList<int>> StopAsync(IReadOnlyCollection<(int Pid, string? CommandLinePart)> processes, TimeSpan timeout)
    {
        var running = processes.Where(p => IsRunning(p.Pid, p.CommandLinePart)).ToList();
        foreach (var (pid, _) in running) Signal(pid, "TERM");
        var deadline = DateTime.UtcNow + timeout;
        while (running.Count > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
            running.RemoveAll(p => !IsRunning(p.Pid, p.CommandLinePart));
        }

        foreach (var (pid, _) in running) Signal(pid, "KILL");
        return running.Select(p => p.Pid).ToList();
    }
}
