namespace Mentiora.Grains.Usage;

/// <summary>What one silo counted for one project since its last report.</summary>
[GenerateSerializer, Alias("Mentiora.UsageReport")]
public sealed record UsageReport(
    [property: Id(0)] IReadOnlyList<AcceptedTraces> Accepted,
    [property: Id(1)] IReadOnlyList<RefusalNotice> Refusals);
