using System.Text;
using System.Text.RegularExpressions;

namespace Mentiora.Harness.Cli;

/// <summary>
/// D/cluster.env: the state of a local cluster in shell syntax (<c>. D/cluster.env</c>), one <c>NAME='value'</c> per line,
/// which people and scripts source and which <c>status</c> and <c>stop</c> read back.
/// </summary>
internal static partial class ClusterEnv
{
    /// <summary>The variables, in the order they are written; scripts rely on these names.</summary>
    public static readonly IReadOnlyList<string> Variables =
    [
        "MENTIORA_URL", "MENTIORA_POSTGRES", "MENTIORA_SILOS", "MENTIORA_SILO_URLS", "MENTIORA_SILO_PORTS",
        "MENTIORA_GATEWAY_PORTS", "MENTIORA_SILO_PIDS", "MENTIORA_NGINX_PID", "MENTIORA_POSTGRES_PID", "MENTIORA_POSTGRES_DIR",
        "MENTIORA_POSTGRES_BIN", "MENTIORA_POSTGRES_USER", "MENTIORA_APP_DLL",
    ];

    public static string PathIn(string directory) => Path.Combine(directory, "cluster.env");

    /// <summary>Writes the file whole (through a temporary file), so a reader never sees half of it.</summary>
    public static void Write(string directory, IReadOnlyDictionary<string, string> state)
    {
        var file = PathIn(directory);
        var text = new StringBuilder($"# A local Mentiora cluster, written by deploy/local-cluster.sh; source it: . {file}\n");
        // Single quotes keep the file readable and sourceable by sh; no value holds a single quote.
        foreach (var name in Variables) text.Append(name).Append("='").Append(state.GetValueOrDefault(name, "").Replace("'", "", StringComparison.Ordinal)).Append("'\n");
        var temporary = Path.Combine(directory, ".cluster.env.tmp");
        File.WriteAllText(temporary, text.ToString());
        File.Move(temporary, file, overwrite: true);
    }

    /// <summary>The variables of the file, or null when there is none.</summary>
    public static Dictionary<string, string>? Read(string directory)
    {
        var file = PathIn(directory);
        if (!File.Exists(file)) return null;
        return File.ReadLines(file).Select(line => Line().Match(line)).Where(m => m.Success)
            .ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value, StringComparer.Ordinal);
    }

    /// <summary>The words of a space-separated variable (PIDs, URLs).</summary>
    public static string[] Words(IReadOnlyDictionary<string, string> state, string name) =>
        state.GetValueOrDefault(name, "").Split(' ', StringSplitOptions.RemoveEmptyEntries);

    [GeneratedRegex("^(MENTIORA_[A-Z_]+)='([^']*)'$")]
    private static partial Regex Line();
}
