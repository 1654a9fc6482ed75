namespace Mentiora.Tests.Infrastructure;

/// <summary>
/// Sits in the HTTP client of a dashboard visitor or of a silo process. It records the password of
/// a sign-up form and the key and signing secret of a creation dialog, the one answer that may show
/// them, and fails any answer (page, htmx partial, API error) that shows a secret issued before it.
/// </summary>
public sealed class SecretWatchingHandler(string server, HttpMessageHandler inner) : DelegatingHandler(inner)
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        // Recorded before it is sent: a silo process has no grain filter of the ledger's to see it.
        if (request.Method == HttpMethod.Post && request.RequestUri?.AbsolutePath.EndsWith("/signup", StringComparison.OrdinalIgnoreCase) == true
            && request.Content is FormUrlEncodedContent form
            && System.Web.HttpUtility.ParseQueryString(await form.ReadAsStringAsync(cancellationToken))["Password"] is { } password)
        {
            IssuedSecretsRecorder.RecordPassword(password, $"the sign-up form posted to {server}");
        }

        var response = await base.SendAsync(request, cancellationToken);

        // Buffered, so the test still reads the whole body after this handler did.
        await response.Content.LoadIntoBufferAsync(cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        var where = $"{request.Method} {request.RequestUri?.PathAndQuery} on {server} (answered {(int)response.StatusCode})";
        IReadOnlyList<IssuedSecret> shownOnce = request.Method == HttpMethod.Post ? DashboardClient.RecordCreatedSecrets(body, where) : [];
        var findings = SecretScanner.FindInText($"{response.Headers}\n{response.Content.Headers}\n{body}", where, IssuedSecrets.Current())
            .Where(f => !shownOnce.Contains(f.Secret))
            .ToList();
        if (findings.Count > 0)
        {
            response.Dispose();
            SecretScanner.AssertNone(findings, "a response");
        }

        return response;
    }
}
