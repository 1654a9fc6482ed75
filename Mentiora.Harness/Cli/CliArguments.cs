using System.Globalization;

namespace Mentiora.Harness.Cli;

/// <summary>The options of <c>start</c>, <c>status</c> and <c>stop</c>, as deploy/local-cluster.sh has always taken them.</summary>
internal sealed record CliArguments
{
    /// <summary>The folder a cluster lives in unless <c>--dir</c> names another.</summary>
    public const string DefaultDirectory = "/tmp/mentiora-cluster";

    public int Silos { get; private init; } = 2;

    public int Port { get; private init; } = 8080;

    public string Directory { get; private init; } = DefaultDirectory;

    public bool Build { get; private init; }

    public bool Help { get; private init; }

    /// <summary>Reads <c>--silos N --port P --dir D --build</c> (also as <c>--name=value</c>); throws <see cref="UsageException"/> on anything else.</summary>
    public static CliArguments Parse(IReadOnlyList<string> args)
    {
        var parsed = new CliArguments();
        string silos = "2", port = "8080", dir = DefaultDirectory;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            var (name, inline) = arg.StartsWith("--", StringComparison.Ordinal) && arg.Contains('=')
                ? (arg[..arg.IndexOf('=')], arg[(arg.IndexOf('=') + 1)..])
                : (arg, null);
            switch (name)
            {
                case "--silos" or "--port" or "--dir":
                    var value = inline ?? (i + 1 < args.Count ? args[++i] : throw new UsageException($"{name} needs a value"));
                    if (name == "--silos") silos = value;
                    else if (name == "--port") port = value;
                    else dir = value;
                    break;
                case "--build" when inline is null:
                    parsed = parsed with { Build = true };
                    break;
                case "-h" or "--help":
                    parsed = parsed with { Help = true };
                    break;
                default:
                    throw new UsageException($"unknown argument '{arg}' (see --help)");
            }
        }

        if (!int.TryParse(silos, NumberStyles.None, CultureInfo.InvariantCulture, out var silosCount) || silosCount < 1 || silos.StartsWith('0'))
            throw new UsageException($"--silos must be a whole number of at least 1, not '{silos}'");
        if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var portNumber) || portNumber > 65535)
            throw new UsageException($"--port must be a port number (0 for any free one), not '{port}'");
        if (dir.Length == 0) throw new UsageException("--dir must not be empty");
        var full = Path.GetFullPath(dir).TrimEnd('/');
        if (full.Length == 0) throw new UsageException("--dir must not be /");
        return parsed with { Silos = silosCount, Port = portNumber, Directory = full };
    }
}
