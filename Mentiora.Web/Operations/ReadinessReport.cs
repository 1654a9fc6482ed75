using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Mentiora.Web.Operations;

/// <summary>Writes /readyz's answer: the overall status, then one line per check that is not healthy, saying why.</summary>
public static class ReadinessReport
{
    /// <summary>A response writer for the health check middleware; the status code is already set from the overall status.</summary>
    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "text/plain; charset=utf-8";
        var lines = report.Entries
            .Where(entry => entry.Value.Status != HealthStatus.Healthy)
            .Select(entry => $"{entry.Key}: {entry.Value.Status}: {entry.Value.Description}");
        return context.Response.WriteAsync(string.Join('\n', lines.Prepend(report.Status.ToString())));
    }
}
