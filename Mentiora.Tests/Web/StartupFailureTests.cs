using System.Diagnostics;
using Mentiora.Tests.Infrastructure;

using Mentiora.Harness.Ports;

namespace Mentiora.Tests.Web;

/// <summary>A storage or a setting that cannot be used stops the app at start with one line that says what was tried.</summary>
public sealed class StartupFailureTests
{
    [Fact]
    public async Task AnUnreachablePostgresServerFailsStartWithOneClearLine()
    {
        var port = FreePort.Next();

        var (exitCode, errorLines) = await RunAppAsync(("ConnectionStrings__Postgres", $"Host=127.0.0.1;Port={port};Username=mentiora;Database=traces;Timeout=3"));

        Assert.Equal(1, exitCode);
        var line = Assert.Single(errorLines);
        Assert.StartsWith("Mentiora could not start.", line);
        Assert.Contains($"127.0.0.1:{port}", line);
        Assert.Contains("'traces'", line);
    }

    [Fact]
    public async Task AMalformedConnectionStringFailsStartWithOneClearLine()
    {
        var (exitCode, errorLines) = await RunAppAsync(("ConnectionStrings__Postgres", "Host=localhost;NoSuchSetting=yes"));

        Assert.Equal(1, exitCode);
        var line = Assert.Single(errorLines);
        Assert.Contains("ConnectionStrings:Postgres is not a valid PostgreSQL connection string", line);
    }

    [Fact]
    public async Task AnUnwritableSqlitePathFailsStartWithOneClearLine()
    {
        var (exitCode, errorLines) = await RunAppAsync(("Storage__SqlitePath", "/proc/mentiora/data/mentiora.db"));

        Assert.Equal(1, exitCode);
        var line = Assert.Single(errorLines);
        Assert.Contains("/proc/mentiora/data/mentiora.db", line);
    }

    [Theory]
    [InlineData("not-a-network", "not-a-network")]
    [InlineData("10.57.0.0/24, 10.57.0.5/24", "10.57.0.5/24")]
    [InlineData("10.57.0.0/33", "10.57.0.0/33")]
    public async Task AnUnreadableTrustedProxyNetworkFailsStartWithOneClearLine(string value, string badEntry)
    {
        var (exitCode, errorLines) = await RunAppAsync(("Proxy__TrustedNetworks", value), ("Storage__SqlitePath", Path.Combine(Path.GetTempPath(), "mentiora-tests", Guid.NewGuid().ToString("N"), "mentiora.db")));

        Assert.Equal(1, exitCode);
        var line = Assert.Single(errorLines);
        Assert.StartsWith($"Mentiora could not start. Proxy:TrustedNetworks has '{badEntry}'", line);
        Assert.Contains("CIDR", line);
    }

    [Fact]
    public async Task OperatorsNamedByEmailStopTheStartWithOneLineNamingTheNewSetting()
    {
        // Anyone could sign up with a listed address that has no account yet; silently ignoring the setting would lock
        // its operators out without a word.
        var (exitCode, errorLines) = await RunAppAsync(("Operators__Emails", "ops@example.com"), ("Storage__SqlitePath", Path.Combine(Path.GetTempPath(), "mentiora-tests", Guid.NewGuid().ToString("N"), "mentiora.db")));

        Assert.Equal(1, exitCode);
        var line = Assert.Single(errorLines);
        Assert.StartsWith("Mentiora could not start. Operators:Emails is no longer read", line);
        Assert.Contains("Operators:AccountIds", line);
        Assert.Contains("/account", line);
    }

    private static async Task<(int ExitCode, string[] ErrorLines)> RunAppAsync(params (string Name, string Value)[] environment)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { Path.Combine(AppContext.BaseDirectory, "Mentiora.Web.dll"), "--urls", $"http://127.0.0.1:{FreePort.Next()}" },
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"The app did not stop within 60 s although its storage is unusable. Output: {await stdout}");
        }

        var errorLines = (await stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return (process.ExitCode, errorLines);
    }
}
