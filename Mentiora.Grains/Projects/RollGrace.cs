namespace Mentiora.Grains.Projects;

/// <summary>How long a rolled key's old key keeps working, as the roll dialog offers it; the grain turns it into a moment with its own clock.</summary>
[GenerateSerializer, Alias("Mentiora.RollGrace")]
public enum RollGrace
{
    /// <summary>The old key stops working the moment the new one exists.</summary>
    Now,

    /// <summary>The old key works for one more hour.</summary>
    In1Hour,

    /// <summary>The old key works for 24 more hours.</summary>
    In24Hours,

    /// <summary>The old key works for 7 more days, the longest grace offered.</summary>
    In7Days,
}
