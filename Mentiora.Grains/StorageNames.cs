namespace Mentiora.Grains;

/// <summary>Names of the grain storage providers the host must register.</summary>
public static class StorageNames
{
    /// <summary>The one grain storage: SQLite in embedded mode, PostgreSQL otherwise.</summary>
    public const string Grains = "mentiora";
}
