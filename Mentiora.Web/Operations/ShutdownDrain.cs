using Mentiora.Web.Configuration;

namespace Mentiora.Web.Operations;

/// <summary>
/// Takes a stopping silo out of the load balancer's rotation before it goes away: for
/// <see cref="SettingKeys.ShutdownDrainSeconds"/> it still serves every request, but /readyz answers
/// 503 and every answer closes its connection, so balancers move to the other silos before this one
/// refuses connections.
/// </summary>
public sealed partial class ShutdownDrain(IConfiguration configuration, ILogger<ShutdownDrain> logger) : IHostedLifecycleService
{
    /// <summary>The drain when the setting is absent: enough for a balancer polling /readyz every second or two, and for nginx's kept-alive connections to close.</summary>
    public const int DefaultDrainSeconds = 5;

    private volatile bool _draining;

    /// <summary>The drain's length; zero turns it off.</summary>
    public TimeSpan Duration { get; } = TimeSpan.FromSeconds(Math.Max(0, configuration.GetValue(SettingKeys.ShutdownDrainSeconds, DefaultDrainSeconds)));

    /// <summary>True from the moment the host begins to stop.</summary>
    public bool IsDraining => _draining;

    // StoppingAsync runs before any hosted service's StopAsync, so Kestrel still accepts and the
    // silo still serves grains for the whole drain; afterwards Kestrel finishes the requests in
    // flight and the trace writer commits its queue, within HostOptions.ShutdownTimeout.
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        if (Duration <= TimeSpan.Zero)
        {
            return;
        }

        _draining = true;
        LogDrainStarted(logger, Duration.TotalSeconds);
        try
        {
            await Task.Delay(Duration, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The shutdown timeout ran out first: stop now rather than hold the host.
        }

        LogDrainEnded(logger);
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopping: draining for {Seconds} s (/readyz answers 503, connections close after each answer, requests are still served)")]
    private static partial void LogDrainStarted(ILogger logger, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Drain over: the silo stops now, after the requests in flight")]
    private static partial void LogDrainEnded(ILogger logger);
}
