namespace Mentiora.Grains.Usage;

/// <summary>
/// A refused request as a silo saw it, naming the key by what the request carried: its 8-character
/// prefix or its publishable key. The project grain counts it only for the key that matches.
/// </summary>
[GenerateSerializer, Alias("Mentiora.RefusalNotice")]
public sealed record RefusalNotice(
    [property: Id(0)] string KeyReference,
    [property: Id(1)] KeyRefusal Refusal);
