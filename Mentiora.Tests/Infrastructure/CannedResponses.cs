using System.Net;

namespace Mentiora.Tests.Infrastructure;

/// <summary>A server that answers every request with the body the test set last, for testing client-side handlers.</summary>
public sealed class CannedResponses : HttpMessageHandler
{
    /// <summary>What the next answers carry (HTML).</summary>
    public string Body { get; set; } = string.Empty;

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK)
        {
            RequestMessage = request,
            Content = new StringContent(Body, System.Text.Encoding.UTF8, "text/html"),
        });
}
