using Mentiora.Web.Storage;

namespace Mentiora.Tests.Dashboard;

/// <summary>The dashboard on the embedded SQLite default.</summary>
public sealed class EmbeddedDashboardAppFixture() : DashboardAppFixture(StorageMode.Embedded);
