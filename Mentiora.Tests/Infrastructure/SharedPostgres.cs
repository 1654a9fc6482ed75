using Mentiora.Harness.Postgres;

namespace Mentiora.Tests.Infrastructure;

/// <summary>
/// One PostgreSQL server for the whole test run (starting one takes seconds); each test class
/// gets its own database on it. The server is stopped when the test process exits.
/// </summary>
public static class SharedPostgres
{
    private static readonly Lazy<Task<ThrowawayPostgres>> Server = new(() => ThrowawayPostgres.StartAsync());

    /// <summary>The running server, started on first use.</summary>
    public static Task<ThrowawayPostgres> GetAsync() => Server.Value;
}
