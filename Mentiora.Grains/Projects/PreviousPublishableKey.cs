namespace Mentiora.Grains.Projects;

/// <summary>
/// A publishable key replaced by a roll: it works (from the allowed origins) until
/// <see cref="StopsWorkingAt"/>, and its directory entry stays claimed <see cref="RolledCredentials.Remembered"/>
/// longer only to tell a page still sending it why it is refused.
/// </summary>
[GenerateSerializer, Alias("Mentiora.PreviousPublishableKey")]
public sealed class PreviousPublishableKey
{
    /// <summary>The replaced publishable key (<c>pk_live_…</c>); not secret.</summary>
    [Id(0)] public string PublishableKey { get; set; } = string.Empty;

    /// <summary>When it was replaced.</summary>
    [Id(1)] public DateTimeOffset RolledAt { get; set; }

    /// <summary>When it stops working (decided at request time, on every silo alike).</summary>
    [Id(2)] public DateTimeOffset StopsWorkingAt { get; set; }
}
