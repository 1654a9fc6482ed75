namespace Mentiora.Grains.Projects;

/// <summary>How long a new key works, as the create dialog offers it; the grain turns it into a moment with its own clock.</summary>
[GenerateSerializer, Alias("Mentiora.KeyExpiry")]
public enum KeyExpiry
{
    /// <summary>The key works until it is revoked.</summary>
    Never,

    /// <summary>The key stops working 30 days after it was created.</summary>
    In30Days,

    /// <summary>The key stops working 90 days after it was created.</summary>
    In90Days,

    /// <summary>The key stops working one year after it was created.</summary>
    In1Year,
}
