namespace Mentiora.Web.Storage;

/// <summary>Where grain state, traces and the key ring live.</summary>
public enum StorageMode
{
    /// <summary>One SQLite file; the default, for one silo.</summary>
    Embedded,

    /// <summary>PostgreSQL; required for a cluster of silos.</summary>
    Postgres,
}
