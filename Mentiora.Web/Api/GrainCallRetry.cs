using System.Diagnostics;
using Mentiora.Web.Configuration;
using Orleans.Runtime.Messaging;
using Polly;
using Polly.Retry;

namespace Mentiora.Web.Api;

/// <summary>
/// Retries, inside the request, a grain call that never reached a live activation because its silo
/// died or is shutting down, until membership moves the grain to a live silo (bounded by
/// <see cref="SettingKeys.GrainRetrySeconds"/>); afterwards the failure surfaces as before (a 503).
/// </summary>
public sealed partial class GrainCallRetry
{
    /// <summary>How long a call is retried when the setting is absent: a dead silo is declared dead within about 4–10 s with the default probes.</summary>
    public const int DefaultRetrySeconds = 10;

    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan LongestDelay = TimeSpan.FromSeconds(1);
    private static readonly ResiliencePropertyKey<long> StartedAt = new("mentiora.grain-call.started-at");
    private static readonly ResiliencePropertyKey<Exception> LastFailure = new("mentiora.grain-call.last-failure");
    private static readonly ResiliencePropertyKey<int> Attempts = new("mentiora.grain-call.attempts");

    private readonly ResiliencePipeline _pipeline;
    private readonly TimeSpan _bound;
    private readonly ILogger<GrainCallRetry> _logger;

    public GrainCallRetry(IConfiguration configuration, ILogger<GrainCallRetry> logger)
    {
        _logger = logger;
        // 0 turns retrying off: the first failure answers 503 at once.
        _bound = TimeSpan.FromSeconds(Math.Max(0, configuration.GetValue(SettingKeys.GrainRetrySeconds, DefaultRetrySeconds)));
        _pipeline = new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                // The bound is in time, not attempts: a refused connection fails in microseconds, a dead-silo verdict takes seconds.
                MaxRetryAttempts = int.MaxValue,
                DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(DelayBefore(args.AttemptNumber)),
                ShouldHandle = args => ValueTask.FromResult(
                    args.Outcome.Exception is { } failure && WasNotDelivered(failure)
                    && Elapsed(args.Context) + DelayBefore(args.AttemptNumber) <= _bound),
                OnRetry = args =>
                {
                    args.Context.Properties.Set(LastFailure, args.Outcome.Exception!);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
    }

    /// <summary>
    /// True when the call was refused before any activation ran it: the target silo is dead, shutting
    /// down or unreachable, or the activation it was sent to is gone (Orleans rejects such messages, see
    /// MessageCenter and SiloConnection). A grain's own exception, a storage failure or a timeout (which
    /// may have run) is not one of them.
    /// </summary>
    public static bool WasNotDelivered(Exception failure) =>
        failure is OrleansMessageRejectionException or ConnectionFailedException;

    /// <summary>Runs <paramref name="call"/>, retrying it while it was not delivered and the bound allows; logs one warning when it needed retries.</summary>
    public async Task<T> CallAsync<T>(string grain, Func<Task<T>> call)
    {
        var context = ResilienceContextPool.Shared.Get();
        context.Properties.Set(StartedAt, Stopwatch.GetTimestamp());
        var succeeded = false;
        try
        {
            var result = await _pipeline.ExecuteAsync(static async (context, call) =>
            {
                context.Properties.Set(Attempts, context.Properties.GetValue(Attempts, 0) + 1);
                return await call();
            }, context, call);
            succeeded = true;
            return result;
        }
        finally
        {
            if (context.Properties.TryGetValue(LastFailure, out var failure))
            {
                LogRetried(_logger, grain, context.Properties.GetValue(Attempts, 0), Elapsed(context).TotalSeconds, failure.GetType().Name, succeeded ? "then answered" : "then gave up");
            }

            ResilienceContextPool.Shared.Return(context);
        }
    }

    // 100 ms, doubling, at most 1 s: fast while the connection is merely refused, patient while membership votes.
    private static TimeSpan DelayBefore(int attempt) =>
        attempt >= 4 ? LongestDelay : TimeSpan.FromTicks(Math.Min(FirstDelay.Ticks << attempt, LongestDelay.Ticks));

    private static TimeSpan Elapsed(ResilienceContext context) =>
        context.Properties.TryGetValue(StartedAt, out var started) ? Stopwatch.GetElapsedTime(started) : TimeSpan.Zero;

    [LoggerMessage(Level = LogLevel.Warning, Message = "A call to the {Grain} grain took {Attempts} attempts over {Seconds:0.0} s because its silo was unavailable ({Failure}), {Outcome}")]
    private static partial void LogRetried(ILogger logger, string grain, int attempts, double seconds, string failure, string outcome);
}
