using System.Security.Claims;
using Mentiora.Grains.Keys;
using Mentiora.Web.Operations;
using Mentiora.Web.Traces;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Mentiora.Web.Api;

/// <summary>The endpoint the SDKs post trace events to.</summary>
[Route("api/v1/traces")]
[Authorize(AuthenticationSchemes = ApiKeyAuthenticationHandler.SchemeName)]
public sealed partial class TracesController(
    TraceWriter writer, IOptions<IngestionOptions> options, TimeProvider clock, MentioraMetrics metrics, ILogger<TracesController> logger) : ControllerBase
{
    /// <summary>Stores one trace event; answers 202 only once it is committed.</summary>
    [HttpPost]
    public async Task<IActionResult> Post(CancellationToken cancellationToken)
    {
        if (!JsonRequest.IsJson(Request.ContentType))
        {
            return Refuse(ApiErrors.UnsupportedMediaType(Request.ContentType));
        }

        var limit = options.Value.MaxBodyBytes;
        var body = await JsonRequest.ReadBodyAsync(HttpContext, limit, cancellationToken);
        if (body is null)
        {
            return Refuse(ApiErrors.PayloadTooLarge(limit));
        }

        var (trace, error) = TraceEventParser.Parse(body.WrittenMemory);
        if (trace is null)
        {
            return Refuse(error!);
        }

        var record = new TraceRecord(
            Guid.Parse(User.FindFirst(ApiKeyAuthenticationHandler.ProjectIdClaim)!.Value),
            Guid.Parse(User.FindFirst(ApiKeyAuthenticationHandler.KeyIdClaim)!.Value),
            clock.GetUtcNow(),
            trace,
            EndUserOf(User));

        switch (await writer.WriteAsync(record))
        {
            case TraceWriteOutcome.Stored:
                metrics.TraceAccepted();
                return Accepted(new TraceAccepted(true, trace.TraceId, trace.SpanId));
            case TraceWriteOutcome.QueueFull:
                return Refuse(ApiErrors.Unavailable("The server is busy storing other traces; retry shortly. Nothing was stored."));
            default:
                return Refuse(ApiErrors.Unavailable("Storage is unavailable right now; retry shortly. Nothing was stored."));
        }
    }

    private IActionResult Refuse(ApiError error)
    {
        LogRefused(logger, error.Code, error.Status, User.FindFirstValue(ApiKeyAuthenticationHandler.ProjectIdClaim), User.FindFirstValue(ApiKeyAuthenticationHandler.KeyPrefixClaim));
        return error.ToResult();
    }

    // The key's prefix identifies it to its owner without revealing it.
    [LoggerMessage(Level = LogLevel.Information, Message = "Refused a trace with {Code} ({Status}) for project {ProjectId}, key {KeyPrefix}")]
    private static partial void LogRefused(ILogger logger, string code, int status, string? projectId, string? keyPrefix);

    private static EndUser? EndUserOf(ClaimsPrincipal user) =>
        user.FindFirstValue(ApiKeyAuthenticationHandler.EndUserIdClaim) is { } id
            ? new EndUser(id, user.FindFirstValue(ApiKeyAuthenticationHandler.EndUserNameClaim), user.FindFirstValue(ApiKeyAuthenticationHandler.EndUserEmailClaim))
            : null;
}
