namespace Mentiora.Harness.Processes;

/// <summary>Reads the ends of log files for failure messages, whatever state the file is in.</summary>
/// <remarks>Usage: <c>LogFiles.Tail("/tmp/c/silo1.log", 30)</c></remarks>
public static class LogFiles
{
    /// <summary>The last <paramref name="lines"/> lines of <paramref name="path"/>, or a note saying why there are none.</summary>
    public static string Tail(string path, int lines)
    {
        try
        {
            if (!File.Exists(path)) return $"(no {Path.GetFileName(path)} was written)";
            // Shared read: the process writing it may still run.
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            var kept = new Queue<string>();
            while (reader.ReadLine() is { } line)
            {
                kept.Enqueue(line);
                if (kept.Count > lines) kept.Dequeue();
            }

            return string.Join('\n', kept);
        }
        catch (IOException e)
        {
            return $"({path} unreadable: {e.Message})";
        }
        catch (UnauthorizedAccessException e)
        {
            return $"({path} unreadable: {e.Message})";
        }
    }

    /// <summary>Every line of <paramref name="path"/> (none when it does not exist), read while its writer may still run.</summary>
    public static IReadOnlyList<string> ReadLines(string path)
    {
        if (!File.Exists(path)) return [];
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        var all = new List<string>();
        while (reader.ReadLine() is { } line) all.Add(line);
        return all;
    }
}
