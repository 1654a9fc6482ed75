using Mentiora.Web.Storage;

namespace Mentiora.Tests.Web;

/// <summary>The app on PostgreSQL.</summary>
public sealed class PostgresIngestionAppFixture() : IngestionAppFixture(StorageMode.Postgres);
