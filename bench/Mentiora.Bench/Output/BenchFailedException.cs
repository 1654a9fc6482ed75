namespace Mentiora.Bench.Output;

/// <summary>The benchmark cannot go on (a process died, wrk failed, a key was refused); the message says why.</summary>
public sealed class BenchFailedException(string message) : Exception(message);
