using System.Security.Claims;
using Mentiora.Grains.Keys;
using Mentiora.Web.Traces;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Mentiora.Web.Api;

/// <summary>The endpoint the SDKs post trace events to.</summary>
[Route("api/v1/traces")]
[Authorize(AuthenticationSchemes = ApiKeyAuthenticationHandler.SchemeName)]
public sealed class TracesController(TraceWriter writer, IOptions<IngestionOptions> options, TimeProvider clock) : ControllerBase
{
    /// <summary>Stores one trace event; answers 202 only once it is committed.</summary>
    [HttpPost]
    public async Task<IActionResult> Post(CancellationToken cancellationToken)
    {
        if (!JsonRequest.IsJson(Request.ContentType))
        {
            return ApiErrors.UnsupportedMediaType(Request.ContentType).ToResult();
        }

        var limit = options.Value.MaxBodyBytes;
        var body = await JsonRequest.ReadBodyAsync(HttpContext, limit, cancellationToken);
        if (body is null)
        {
            return ApiErrors.PayloadTooLarge(limit).ToResult();
        }

        var (trace, error) = TraceEventParser.Parse(body.WrittenMemory);
        if (trace is null)
        {
            return error!.ToResult();
        }

        var record = new TraceRecord(
            Guid.Parse(User.FindFirst(ApiKeyAuthenticationHandler.ProjectIdClaim)!.Value),
            Guid.Parse(User.FindFirst(ApiKeyAuthenticationHandler.KeyIdClaim)!.Value),
            clock.GetUtcNow(),
            trace,
            EndUserOf(User));

        return await writer.WriteAsync(record) switch
        {
            TraceWriteOutcome.Stored => Accepted(new TraceAccepted(true, trace.TraceId, trace.SpanId)),
            TraceWriteOutcome.QueueFull => ApiErrors.Unavailable("The server is busy storing other traces; retry shortly. Nothing was stored.").ToResult(),
            _ => ApiErrors.Unavailable("Storage is unavailable right now; retry shortly. Nothing was stored.").ToResult(),
        };
    }

    private static EndUser? EndUserOf(ClaimsPrincipal user) =>
        user.FindFirstValue(ApiKeyAuthenticationHandler.EndUserIdClaim) is { } id
            ? new EndUser(id, user.FindFirstValue(ApiKeyAuthenticationHandler.EndUserNameClaim), user.FindFirstValue(ApiKeyAuthenticationHandler.EndUserEmailClaim))
            : null;
}
