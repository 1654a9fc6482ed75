using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Mentiora.Web.Traces;

/// <summary>Tells a database that is briefly away (unreachable, restarting, busy) from one that refused what it was sent.</summary>
public static class TransientStorageErrors
{
    // SQLite's primary result codes for "another connection holds the lock": retrying succeeds.
    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;

    /// <summary>Whether the same write may succeed when tried again shortly.</summary>
    public static bool IsTransient(Exception error) => error switch
    {
        // Npgsql does not count the shutdown codes as transient, but they are what a server that is
        // stopping or restarting answers (57P01 also on a pooled connection it closed), and what
        // comes next is a connection refused, then a server that accepts again.
        PostgresException postgres => postgres.IsTransient || postgres.SqlState is
            PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow,

        SqliteException sqlite => sqlite.IsTransient || sqlite.SqliteErrorCode is SqliteBusy or SqliteLocked,

        // Npgsql marks a refused connection, a broken pooled connection (the server went away under
        // it) and a timeout as transient: the failure is on the way to the database, not in the data.
        DbException db => db.IsTransient,
        TimeoutException => true,
        _ => false,
    };
}
