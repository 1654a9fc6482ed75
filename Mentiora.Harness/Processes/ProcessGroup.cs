using System.Globalization;

namespace Mentiora.Harness.Processes;

/// <summary>The processes of a process group, read from /proc: what remains of a group whose leader may be gone.</summary>
/// <remarks>Usage: <c>ProcessGroup.Members(nginxPid)</c>; Linux reuses no PID while it names a group, so a member found is ours.</remarks>
public static class ProcessGroup
{
    /// <summary>The ids of the processes whose process group is <paramref name="groupId"/>, the leader included while it lives.</summary>
    public static IReadOnlyList<int> Members(int groupId)
    {
        var members = new List<int>();
        if (groupId <= 0 || !Directory.Exists("/proc")) return members;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)) continue;
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                // The fields after the command name, which may hold spaces: state, parent, process group, ...
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (fields.Length > 2 && fields[2] == groupId.ToString(CultureInfo.InvariantCulture) && fields[0] != "Z") members.Add(pid);
            }
            catch (IOException)
            {
                // Gone while we looked.
            }
            catch (UnauthorizedAccessException)
            {
                // Not ours to read, so not ours.
            }
        }

        return members;
    }
}
