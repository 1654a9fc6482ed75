using System.Diagnostics.Metrics;

namespace Mentiora.Web.Operations;

/// <summary>
/// The ingestion path's numbers, exported in Prometheus format at /metrics: what was accepted,
/// what was refused and why, and how the trace writer's batches and queue behave.
/// </summary>
public sealed class MentioraMetrics
{
    /// <summary>The meter's name, for exporters to subscribe to.</summary>
    public const string MeterName = "Mentiora";

    private readonly Counter<long> _accepted;
    private readonly Counter<long> _refused;
    private readonly Counter<long> _authFailures;
    private readonly Histogram<int> _batchSize;
    private readonly Histogram<double> _batchSeconds;

    public MentioraMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _accepted = meter.CreateCounter<long>("mentiora.traces.accepted", "{trace}", "Traces stored and answered 202.");
        _refused = meter.CreateCounter<long>("mentiora.traces.refused", "{trace}", "Trace requests refused, by error code.");
        _authFailures = meter.CreateCounter<long>("mentiora.auth.failures", "{request}", "API requests whose key or token was refused, by error code.");
        _batchSize = meter.CreateHistogram<int>("mentiora.trace_writer.batch_size", "{trace}", "Traces committed per database write.");
        _batchSeconds = meter.CreateHistogram<double>("mentiora.trace_writer.batch_duration", "s", "Time to commit one batch.");
        meter.CreateObservableGauge("mentiora.trace_writer.queue_depth", () => QueueDepth?.Invoke() ?? 0, "{trace}", "Traces waiting to be committed.");
        meter.CreateObservableGauge("mentiora.trace_writer.held", () => HeldTraces?.Invoke() ?? 0, "{trace}", "Traces held for a database that is briefly unreachable, retried until their deadline.");
    }

    /// <summary>Reads the writer's queue length when the gauge is collected.</summary>
    public Func<int>? QueueDepth { get; set; }

    /// <summary>Reads how many traces the writer holds through a storage outage when the gauge is collected.</summary>
    public Func<int>? HeldTraces { get; set; }

    public void TracesAccepted(int count) => _accepted.Add(count);

    public void TraceRefused(string code) => _refused.Add(1, new KeyValuePair<string, object?>("reason", code));

    public void AuthenticationFailed(string code) => _authFailures.Add(1, new KeyValuePair<string, object?>("reason", code));

    public void BatchWritten(int size, TimeSpan duration)
    {
        _batchSize.Record(size);
        _batchSeconds.Record(duration.TotalSeconds);
    }
}
