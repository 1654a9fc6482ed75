using Mentiora.Web.Storage;

namespace Mentiora.Tests.Web;

/// <summary>The app on the embedded SQLite default.</summary>
public sealed class EmbeddedIngestionAppFixture() : IngestionAppFixture(StorageMode.Embedded);
