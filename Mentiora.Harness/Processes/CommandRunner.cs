using System.Diagnostics;
using System.Text;

namespace Mentiora.Harness.Processes;

/// <summary>Runs the command-line tools the harness needs (pg_ctl, nginx, apt-get), failing loudly with their output.</summary>
/// <remarks>Usage: <c>var output = await CommandRunner.RunAsync("nginx", ["-t", "-c", conf]);</c></remarks>
public static class CommandRunner
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    /// <summary>Runs a command to completion and returns its combined output; throws if it fails or hangs.</summary>
    /// <param name="runAsUser">When set, the command runs as that system user through <c>runuser</c> (needs root).</param>
    /// <param name="environment">Variables set for the command on top of this process's own.</param>
    /// <param name="timeout">How long it may take; two minutes unless given.</param>
    public static async Task<string> RunAsync(
        string fileName, IReadOnlyList<string> arguments, string? runAsUser = null, string? workingDirectory = null,
        IReadOnlyDictionary<string, string>? environment = null, TimeSpan? timeout = null)
    {
        IReadOnlyList<string> argv = runAsUser is null ? arguments : ["-u", runAsUser, "--", fileName, .. arguments];
        var startInfo = new ProcessStartInfo(runAsUser is null ? fileName : "runuser")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in argv) startInfo.ArgumentList.Add(argument);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) startInfo.Environment[name] = value;
        var commandLine = $"{startInfo.FileName} {string.Join(' ', argv)}";

        // One buffer for both streams keeps the order in which a tool explained itself.
        var output = new StringBuilder();
        void Append(object sender, DataReceivedEventArgs e)
        {
            if (e.Data is null) return;
            lock (output) output.AppendLine(e.Data);
        }

        using var process = new Process { StartInfo = startInfo };
        process.OutputDataReceived += Append;
        process.ErrorDataReceived += Append;
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"`{commandLine}` could not be started: {e.Message}", e);
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var allowed = timeout ?? Timeout;
        using var deadline = new CancellationTokenSource(allowed);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException(
                $"`{commandLine}` did not finish within {allowed.TotalSeconds:0} s. Output so far:\n{Snapshot(output)}");
        }

        if (process.ExitCode != 0)
            throw new InvalidOperationException($"`{commandLine}` failed with exit code {process.ExitCode}. Output:\n{Snapshot(output)}");
        return Snapshot(output);
    }

    private static string Snapshot(StringBuilder output)
    {
        lock (output) return output.ToString();
    }
}
