using Mentiora.Web.Operations;
using Mentiora.Web.Security;
using Mentiora.Web.Traces;
using Mentiora.Web.Usage;
using Mentiora.Grains.Usage;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Mentiora.Web.Api;

/// <summary>The endpoint the SDKs post trace events to.</summary>
[Route("api/v1/traces")]
[Authorize(AuthenticationSchemes = ApiKeyAuthenticationHandler.SchemeName)]
[EnableRateLimiting(KeyRateLimit.PolicyName)]
public sealed partial class TracesController(
    TraceWriter writer,
    IOptions<IngestionOptions> options,
    TimeProvider clock,
    MentioraMetrics metrics,
    KeyUsageRecorder usage,
    ILogger<TracesController> logger) : ControllerBase
{
    /// <summary>Stores one trace event, or a batch of them (a JSON array); answers 202 only once they are committed.</summary>
    [HttpPost]
    public async Task<IActionResult> Post(CancellationToken cancellationToken)
    {
        if (!JsonRequest.IsJson(Request.ContentType))
        {
            return Refuse(ApiErrors.UnsupportedMediaType(Request.ContentType));
        }

        var key = User.ApiKey();
        var settings = options.Value;
        var limit = key.IsSecretKey ? settings.MaxBodyBytes : Math.Min(settings.BrowserMaxBodyBytes, settings.MaxBodyBytes);
        var body = await JsonRequest.ReadBodyAsync(HttpContext, limit, cancellationToken);
        if (body is null)
        {
            return Refuse(key.IsSecretKey || limit == settings.MaxBodyBytes
                ? ApiErrors.PayloadTooLarge(limit)
                : ApiErrors.BrowserPayloadTooLarge(limit, settings.MaxBodyBytes));
        }

        var (events, error) = TraceEventParser.Parse(body.WrittenMemory);
        if (events is null)
        {
            return Refuse(error!);
        }

        var receivedAt = clock.GetUtcNow();
        var records = new TraceRecord[events.Count];
        for (var i = 0; i < records.Length; i++)
        {
            records[i] = new TraceRecord(key.ProjectId, key.KeyId, receivedAt, events[i], key.EndUser);
        }

        switch (await writer.WriteAsync(records))
        {
            case TraceWriteOutcome.Stored:
                metrics.TracesAccepted(records.Length);
                usage.Accepted(key.ProjectId, key.KeyId, records.Length, HttpContext.Facts());
                return IsBatch(body.WrittenSpan)
                    ? Accepted(TraceBatchAccepted.For(events))
                    : Accepted(new TraceAccepted(true, events[0].TraceId, events[0].SpanId));
            case TraceWriteOutcome.QueueFull:
                return Refuse(ApiErrors.Unavailable("The server is busy storing other traces and nothing was stored. Retry in a few seconds."));
            default:
                return Refuse(ApiErrors.Unavailable("Trace storage is unavailable right now and nothing was stored. Retry in a few seconds."));
        }
    }

    // The parser already knows; looking at the first significant byte again is cheaper than carrying it.
    private static bool IsBatch(ReadOnlySpan<byte> body) => body.TrimStart(" \t\r\n"u8) is [(byte)'[', ..];

    private IActionResult Refuse(ApiError error)
    {
        var key = User.ApiKey();
        LogRefused(logger, error.Code, error.Status, key.ProjectId, key.KeyPrefix);
        if (KeyRefusalReasons.FromCode(error.Code) is { } reason)
        {
            usage.Refused(key.ProjectId, key.KeyPrefix, reason, HttpContext);
        }

        return error.ToResult();
    }

    // The key's prefix identifies it to its owner without revealing it.
    [LoggerMessage(Level = LogLevel.Information, Message = "Refused a trace with {Code} ({Status}) for project {ProjectId}, key {KeyPrefix}")]
    private static partial void LogRefused(ILogger logger, string code, int status, Guid projectId, string keyPrefix);
}
