namespace Mentiora.Grains.Projects;

/// <summary>How long the old credential keeps working after a roll, as the roll dialogs offer it; the grain turns it into a moment with its own clock.</summary>
[GenerateSerializer, Alias("Mentiora.RollGrace")]
public enum RollGrace
{
    /// <summary>The old credential stops working at once.</summary>
    Now = 0,

    /// <summary>The old credential works for one more hour.</summary>
    In1Hour = 1,

    /// <summary>The old credential works for 24 more hours.</summary>
    In24Hours = 2,

    /// <summary>The old credential works for 7 more days.</summary>
    In7Days = 3,
}
