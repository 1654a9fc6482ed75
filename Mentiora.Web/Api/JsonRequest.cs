using System.Buffers;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;

namespace Mentiora.Web.Api;

/// <summary>Reading JSON request bodies of the machine API: the content type, and the body up to a limit.</summary>
public static class JsonRequest
{
    /// <summary>True for <c>application/json</c> and any <c>+json</c> media type, with or without a charset.</summary>
    public static bool IsJson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var parsed)
        && (parsed.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || parsed.MediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase));

    /// <summary>Reads the whole body, or returns null as soon as it passes the limit.</summary>
    public static async Task<ArrayBufferWriter<byte>?> ReadBodyAsync(HttpContext context, long limit, CancellationToken cancellationToken)
    {
        var request = context.Request;
        if (request.ContentLength > limit)
        {
            return null;
        }

        // Let the server stop reading at the limit too, even when the configured limit is above its default.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            sizeFeature.MaxRequestBodySize = limit + 1;
        }

        var buffer = new ArrayBufferWriter<byte>((int)Math.Min(request.ContentLength ?? 4096, limit) + 1);
        try
        {
            while (true)
            {
                var read = await request.Body.ReadAsync(buffer.GetMemory(4096), cancellationToken);
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
