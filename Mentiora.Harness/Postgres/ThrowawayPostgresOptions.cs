namespace Mentiora.Harness.Postgres;

/// <summary>How a <see cref="ThrowawayPostgres"/> is started: where, how durable, and whether it dies with this process.</summary>
/// <remarks>Usage: <c>new ThrowawayPostgresOptions { Directory = "/tmp/c/postgres", Durable = true, StopWithThisProcess = false }</c></remarks>
public sealed record ThrowawayPostgresOptions
{
    /// <summary>The folder for the data, the log and the socket; a fresh one under the temporary folder when null. Must not exist yet or be empty.</summary>
    public string? Directory { get; init; }

    /// <summary>Real commits (fsync on) so that a benchmark measures them; tests leave it off for speed.</summary>
    public bool Durable { get; init; }

    /// <summary>The server's connection limit; each silo keeps pools of up to 100 connections.</summary>
    public int MaxConnections { get; init; } = 300;

    /// <summary>
    /// True: the server and its folder go when this process ends, however it ends. False: the server outlives it
    /// (the command line's <c>start</c>) until something calls <see cref="ThrowawayPostgres.StopAsync"/> or disposes it.
    /// </summary>
    public bool StopWithThisProcess { get; init; } = true;

    /// <summary>True: a connection string in MENTIORA_TEST_POSTGRES is used instead of starting a server.</summary>
    public bool AllowExternalServer { get; init; } = true;

    /// <summary>Receives a line per long step ("Starting PostgreSQL on …"), for a command line's progress output.</summary>
    public Action<string>? Progress { get; init; }
}
