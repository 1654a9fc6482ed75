namespace Mentiora.Tests.Infrastructure;

/// <summary>
/// Base of test classes that share one app through a class fixture. After each test, the app's
/// new log records and its whole database are scanned for issued secrets, so a leak fails the
/// test that caused it: xUnit 2 reports a failing fixture cleanup only as a message, with the run
/// still summed up as passed. The fixture's own dispose scan stays, for what only shutdown writes.
/// </summary>
public abstract class LeakCheckedTests(MentioraApp app) : IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => app.AssertNoSecretsLeakedAsync();
}
