using Mentiora.Harness.Silos;

namespace Mentiora.Tests.Infrastructure;

/// <summary>
/// Puts the secret ledger on a harness silo: every client it makes watches the answers, and once the process has exited
/// its output (the lines dropped from a runaway one included) is scanned for every secret issued in the run.
/// </summary>
public static class SecretWatchedSilos
{
    /// <summary>The options with the ledger's hooks added.</summary>
    public static SiloOptions Watch(SiloOptions options)
    {
        var findingsInDroppedLines = new List<SecretFinding>();
        return options with
        {
            WrapClientHandler = (silo, handler) => new SecretWatchingHandler($"silo {silo.Name}", handler),
            // Scanned as they drop, against the secrets known by then.
            OnLineDropped = (silo, line, number) =>
            {
                var found = SecretScanner.FindInLines([line], $"the output of silo {silo.Name}", IssuedSecrets.Current(), number);
                lock (findingsInDroppedLines) findingsInDroppedLines.AddRange(found);
            },
            AfterStop = silo =>
            {
                List<SecretFinding> findings;
                lock (findingsInDroppedLines) findings = [.. findingsInDroppedLines];
                findings.AddRange(SecretScanner.FindInLines(
                    silo.OutputLines(), $"the output of silo {silo.Name}", IssuedSecrets.Current(), silo.DroppedLineCount + 1));
                SecretScanner.AssertNone(findings, $"silo {silo.Name}");
                return Task.CompletedTask;
            },
        };
    }
}
