using Mentiora.Bench.Checking;

namespace Mentiora.Bench.Targets;

/// <summary>
/// What one scenario sends its load to: the URL (a silo, or nginx in front of several), the silos
/// whose /metrics and CPU count as the app, and where the rows it stores are counted.
/// </summary>
public sealed record Target(Uri Url, IReadOnlyList<Uri> SiloUrls, IReadOnlyList<int> SiloProcessIds, IRowCounter Rows, string Key);
