namespace Mentiora.Bench.Options;

/// <summary>--help was asked for: print the usage and stop without running anything.</summary>
public sealed class HelpRequestedException() : Exception("help requested");
