namespace Mentiora.Web.Api;

/// <summary>Settings of the ingestion API (configuration section <c>Ingestion</c>).</summary>
public sealed class IngestionOptions
{
    /// <summary>Largest request body accepted, in bytes; larger bodies get 413.</summary>
    public long MaxBodyBytes { get; set; } = 5 * 1024 * 1024;
}
