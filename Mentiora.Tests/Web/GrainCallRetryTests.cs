using System.Diagnostics;
using Mentiora.Web.Api;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Testing;

namespace Mentiora.Tests.Web;

/// <summary>Which grain call failures an API request waits out, and for how long at most, before it answers 503.</summary>
public sealed class GrainCallRetryTests
{
    private readonly FakeLogger<GrainCallRetry> _log = new();

    private GrainCallRetry RetryFor(int seconds) => new(
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Orleans:GrainRetrySeconds"] = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture) }).Build(),
        _log);

    [Fact]
    public async Task ACallRefusedBecauseItsSiloIsGoneIsRetriedUntilItIsAnswered()
    {
        var attempts = 0;

        var answer = await RetryFor(10).CallAsync("project", () => ++attempts < 4 ? throw new SiloUnavailableException() : Task.FromResult("answered"));

        Assert.Equal("answered", answer);
        Assert.Equal(4, attempts);
        var warning = Assert.Single(_log.Collector.GetSnapshot());
        Assert.Contains("took 4 attempts", warning.Message);
        Assert.Contains(nameof(SiloUnavailableException), warning.Message);
    }

    [Fact]
    public async Task ASiloThatStaysGoneGivesUpWithinTheBoundWithTheOriginalFailure()
    {
        var clock = Stopwatch.StartNew();

        await Assert.ThrowsAsync<Orleans.Runtime.Messaging.ConnectionFailedException>(() =>
            RetryFor(2).CallAsync<string>("key directory", () => throw new Orleans.Runtime.Messaging.ConnectionFailedException("Unable to connect")));

        // 100 ms doubling to 1 s, no retry whose delay would end past the bound (waits of 1.5 s in
        // all on an idle machine); the upper end leaves a busy machine's late timers some room.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(4), $"gave up only after {clock.Elapsed}");
        Assert.Matches("took [4-9] attempts", Assert.Single(_log.Collector.GetSnapshot()).Message);
        Assert.Contains("then gave up", Assert.Single(_log.Collector.GetSnapshot()).Message);
    }

    [Fact]
    public async Task AFailureThatMayHaveRunOrIsStorageIsNotRetried()
    {
        foreach (var failure in new Exception[] { new TimeoutException(), new OrleansException("storage"), new InvalidOperationException() })
        {
            var attempts = 0;
            var thrown = await Assert.ThrowsAnyAsync<Exception>(() => RetryFor(10).CallAsync<string>("project", () => { attempts++; throw failure; }));
            Assert.Same(failure, thrown);
            Assert.Equal(1, attempts);
        }

        Assert.Empty(_log.Collector.GetSnapshot());
    }

    [Fact]
    public async Task ZeroSecondsTurnsRetryingOff()
    {
        var attempts = 0;
        await Assert.ThrowsAsync<SiloUnavailableException>(() => RetryFor(0).CallAsync<string>("project", () => { attempts++; throw new SiloUnavailableException(); }));
        Assert.Equal(1, attempts);
    }
}
