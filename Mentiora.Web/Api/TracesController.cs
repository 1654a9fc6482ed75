using System.Buffers;
using Mentiora.Web.Traces;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

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
        if (!IsJson(Request.ContentType))
        {
            return ApiErrors.UnsupportedMediaType(Request.ContentType).ToResult();
        }

        var limit = options.Value.MaxBodyBytes;
        var body = await ReadBodyAsync(limit, cancellationToken);
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
            trace);

        return await writer.WriteAsync(record) switch
        {
            TraceWriteOutcome.Stored => Accepted(new TraceAccepted(true, trace.TraceId, trace.SpanId)),
            TraceWriteOutcome.QueueFull => ApiErrors.Unavailable("The server is busy storing other traces; retry shortly. Nothing was stored.").ToResult(),
            _ => ApiErrors.Unavailable("Storage is unavailable right now; retry shortly. Nothing was stored.").ToResult(),
        };
    }

    private static bool IsJson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var parsed)
        && (parsed.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || parsed.MediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase));

    /// <summary>Reads the whole body, or returns null as soon as it passes the limit.</summary>
    private async Task<ArrayBufferWriter<byte>?> ReadBodyAsync(long limit, CancellationToken cancellationToken)
    {
        if (Request.ContentLength > limit)
        {
            return null;
        }

        // Let the server stop reading at the limit too, even when the configured limit is above its default.
        if (HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            sizeFeature.MaxRequestBodySize = limit + 1;
        }

        var buffer = new ArrayBufferWriter<byte>((int)Math.Min(Request.ContentLength ?? 4096, limit) + 1);
        try
        {
            while (true)
            {
                var read = await Request.Body.ReadAsync(buffer.GetMemory(4096), cancellationToken);
                if (read == 0)
                {
                    return buffer;
                }

                buffer.Advance(read);
                if (buffer.WrittenCount > limit)
                {
                    return null;
                }
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return null;
        }
    }
}
