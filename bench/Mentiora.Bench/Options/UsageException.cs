namespace Mentiora.Bench.Options;

/// <summary>A command line the benchmark cannot run; the message says what to change.</summary>
public sealed class UsageException(string message) : Exception(message);
