using System.Diagnostics;
using System.Text;
using Mentiora.Bench.Output;

namespace Mentiora.Bench.Measuring;

/// <summary>Runs a tool to its end whatever its exit code (wrk -v exits 1), keeps its output, and writes it to a log file when given one.</summary>
public sealed class ExternalProcess
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly string? _logPath;

    private ExternalProcess(Process process, string? logPath)
    {
        _process = process;
        _logPath = logPath;
    }

    public int Id => _process.Id;

    public static ExternalProcess Start(string fileName, IEnumerable<string> arguments, string? logPath, string? workingDirectory = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        Process process;
        try
        {
            process = Process.Start(info) ?? throw new BenchFailedException($"{fileName} did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new BenchFailedException($"{fileName} could not be started: {e.Message}");
        }

        process.StandardInput.Close();
        var started = new ExternalProcess(process, logPath);
        process.OutputDataReceived += (_, e) => started.Append(e.Data);
        process.ErrorDataReceived += (_, e) => started.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return started;
    }

    /// <summary>Waits for the end; the exit code and everything the tool printed (also written to the log).</summary>
    public async Task<(int ExitCode, string Output)> WaitAsync()
    {
        await _process.WaitForExitAsync();
        string output;
        lock (_output)
        {
            output = _output.ToString();
        }

        if (_logPath is not null)
        {
            await File.WriteAllTextAsync(_logPath, output);
        }

        return (_process.ExitCode, output);
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Append(line).Append('\n');
        }
    }
}
