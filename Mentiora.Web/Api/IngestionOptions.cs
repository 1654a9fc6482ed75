namespace Mentiora.Web.Api;

/// <summary>Settings of the ingestion API (configuration section <c>Ingestion</c>).</summary>
public sealed class IngestionOptions
{
    /// <summary>Largest request body accepted, in bytes; larger bodies get 413.</summary>
    public long MaxBodyBytes { get; set; } = 5 * 1024 * 1024;

    /// <summary>
    /// Largest request body accepted with a publishable key, in bytes (never more than <see cref="MaxBodyBytes"/>).
    /// A publishable key is public, so whoever copies it from a page can write with it: a browser sends
    /// small events, and only a server with the secret key needs room for big batches.
    /// </summary>
    public long BrowserMaxBodyBytes { get; set; } = 256 * 1024;
}
