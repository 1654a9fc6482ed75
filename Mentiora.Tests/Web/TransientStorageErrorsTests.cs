using System.Net.Sockets;
using Mentiora.Web.Traces;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Mentiora.Tests.Web;

/// <summary>Which database errors the trace writer waits out (the server away or busy) and which it answers 503 at once (the data refused).</summary>
public sealed class TransientStorageErrorsTests
{
    [Theory]
    [InlineData("57P01")] // admin_shutdown: the server is stopping or restarting; Npgsql itself does not count it as transient
    [InlineData("57P02")] // crash_shutdown
    [InlineData("57P03")] // cannot_connect_now: starting up or shutting down
    [InlineData("53300")] // too_many_connections
    public void AServerThatIsGoingAwayOrStartingIsWaitedOut(string sqlState) =>
        Assert.True(TransientStorageErrors.IsTransient(new PostgresException("server going away", "FATAL", "FATAL", sqlState)));

    [Theory]
    [InlineData("22P02")] // invalid_text_representation
    [InlineData("23502")] // not_null_violation
    [InlineData("42P01")] // undefined_table
    public void DataOrSchemaTheServerRefusesIsNotWaitedOut(string sqlState) =>
        Assert.False(TransientStorageErrors.IsTransient(new PostgresException("refused", "ERROR", "ERROR", sqlState)));

    [Fact]
    public void ARefusedConnectionIsWaitedOut() =>
        Assert.True(TransientStorageErrors.IsTransient(new NpgsqlException("Failed to connect to 127.0.0.1:5432", new SocketException((int)SocketError.ConnectionRefused))));

    [Fact]
    public void APooledConnectionTheServerClosedIsWaitedOut() =>
        Assert.True(TransientStorageErrors.IsTransient(new NpgsqlException("Exception while reading from stream", new EndOfStreamException())));

    [Theory]
    [InlineData(5)] // SQLITE_BUSY
    [InlineData(6)] // SQLITE_LOCKED
    public void ALockedSqliteFileIsWaitedOut(int errorCode) =>
        Assert.True(TransientStorageErrors.IsTransient(new SqliteException("database is locked", errorCode)));

    [Fact]
    public void AConstraintSqliteRefusesIsNotWaitedOut() =>
        Assert.False(TransientStorageErrors.IsTransient(new SqliteException("constraint failed", 19)));

    [Fact]
    public void AnErrorOutsideTheDatabaseIsNotWaitedOut() =>
        Assert.False(TransientStorageErrors.IsTransient(new ObjectDisposedException("NpgsqlDataSource")));
}
