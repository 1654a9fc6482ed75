using Mentiora.Web.Storage;

namespace Mentiora.Tests.Dashboard;

/// <summary>The dashboard on PostgreSQL.</summary>
public sealed class PostgresDashboardAppFixture() : DashboardAppFixture(StorageMode.Postgres);
