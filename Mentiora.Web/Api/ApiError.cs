using System.Text.Encodings.Web;
using System.Text.Json;
using Mentiora.Web.Operations;
using Microsoft.AspNetCore.Mvc;

namespace Mentiora.Web.Api;

/// <summary>
/// An error as the SDKs read it: <c>{"error":{"code":…,"message":…}}</c>, with per-field
/// details for invalid traces. The SDKs act on the code, people read the message.
/// </summary>
public sealed record ApiError(int Status, string Code, string Message, IReadOnlyDictionary<string, string>? Details = null, int? RetryAfterSeconds = null)
{
    /// <summary>Seconds a client should wait before retrying a 503 (or a 429 that names none).</summary>
    public const int DefaultRetryAfterSeconds = 1;

    // Messages quote headers and placeholders; the body is JSON, never HTML, so they need not be escaped.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly PathString TracesPath = new("/api/v1/traces");

    /// <summary>The error as an MVC result, for controllers.</summary>
    public IActionResult ToResult() => new ApiErrorResult(this);

    /// <summary>Writes the error as the whole response, for handlers and middleware.</summary>
    public async Task WriteAsync(HttpResponse response)
    {
        if (response.HttpContext.Request.Path.StartsWithSegments(TracesPath))
        {
            response.HttpContext.RequestServices.GetService<MentioraMetrics>()?.TraceRefused(Code);
        }

        response.StatusCode = Status;
        response.ContentType = "application/json; charset=utf-8";
        if (Status is StatusCodes.Status429TooManyRequests or StatusCodes.Status503ServiceUnavailable)
        {
            response.Headers.RetryAfter = (RetryAfterSeconds ?? DefaultRetryAfterSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        if (Status == StatusCodes.Status401Unauthorized)
        {
            response.Headers.WWWAuthenticate = "Bearer";
        }

        await using var json = new Utf8JsonWriter(response.Body, WriterOptions);
        json.WriteStartObject();
        json.WriteStartObject("error");
        json.WriteString("code", Code);
        json.WriteString("message", Message);
        if (Details is { Count: > 0 })
        {
            json.WriteStartObject("details");
            foreach (var (field, problem) in Details)
            {
                json.WriteString(field, problem);
            }

            json.WriteEndObject();
        }

        json.WriteEndObject();
        json.WriteEndObject();
        await json.FlushAsync();
    }

    private sealed class ApiErrorResult(ApiError error) : IActionResult
    {
        public Task ExecuteResultAsync(ActionContext context) => error.WriteAsync(context.HttpContext.Response);
    }
}
