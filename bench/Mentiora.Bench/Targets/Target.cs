using Mentiora.Bench.Checking;

namespace Mentiora.Bench.Targets;

/// <summary>
/// What one scenario sends its load to: the URL (a silo, or nginx in front of several), the silos
/// whose CPU counts as the app, their Prometheus addresses (a port of their own), and where the rows it stores are counted.
/// </summary>
public sealed record Target(Uri Url, IReadOnlyList<Uri> SiloUrls, IReadOnlyList<Uri> MetricsUrls, IReadOnlyList<int> SiloProcessIds, IRowCounter Rows, string Key);
