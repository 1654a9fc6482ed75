using System.Net;
using AngleSharp;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Mentiora.Bench.Output;

namespace Mentiora.Bench.Dashboard;

/// <summary>
/// A visitor of the dashboard without JavaScript: fetches pages, parses them with AngleSharp and
/// submits their forms as a browser would (every field of the form, antiforgery token included),
/// with one cookie jar for the whole visit.
/// </summary>
public sealed class HtmlPages : IDisposable
{
    private readonly HttpClient _http;
    private readonly IBrowsingContext _parser = BrowsingContext.New(Configuration.Default);

    public HtmlPages(Uri baseAddress)
    {
        _http = new HttpClient(new SocketsHttpHandler { CookieContainer = new CookieContainer(), UseCookies = true, AllowAutoRedirect = true })
        {
            BaseAddress = baseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };
    }

    public async Task<IDocument> GetAsync(string pathOrUrl)
    {
        using var response = await _http.GetAsync(pathOrUrl);
        return await ParseAsync(response, $"GET {pathOrUrl}");
    }

    /// <summary>GETs a page as it is, whatever the answer (for timing it): the status and the body.</summary>
    public async Task<(HttpStatusCode Status, string Body)> FetchAsync(string path)
    {
        using var response = await _http.GetAsync(path);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Fills the named fields of the form that holds the submit button <paramref name="button"/> and submits it.</summary>
    public async Task<IDocument> SubmitAsync(IDocument page, string button, IReadOnlyDictionary<string, string>? fields = null)
    {
        var submitter = page.QuerySelectorAll<IHtmlElement>("button, input[type=submit]")
            .FirstOrDefault(b => AccessibleText(b) == button && !IsDisabled(b))
            ?? throw new BenchFailedException($"{page.Url} has no enabled button '{button}'");
        var form = submitter.Closest("form") as IHtmlFormElement ?? throw new BenchFailedException($"the button '{button}' on {page.Url} is in no form");
        foreach (var (name, value) in fields ?? new Dictionary<string, string>())
        {
            var input = form.Elements.OfType<IHtmlInputElement>().FirstOrDefault(i => i.Name == name)
                ?? throw new BenchFailedException($"the form of '{button}' on {page.Url} has no field '{name}'");
            input.Value = value;
        }

        // The browser's own rules for which fields go where (method, action, encoding).
        var submission = form.GetSubmission(submitter) ?? throw new BenchFailedException($"the form of '{button}' on {page.Url} cannot be submitted");
        using var request = new HttpRequestMessage(new HttpMethod(submission.Method.ToString().ToUpperInvariant()), submission.Target.Href);
        if (submission.Body is { Length: > 0 } body)
        {
            request.Content = new StreamContent(body);
            request.Content.Headers.TryAddWithoutValidation("Content-Type", submission.MimeType ?? "application/x-www-form-urlencoded");
        }

        using var response = await _http.SendAsync(request);
        return await ParseAsync(response, $"{request.Method} {request.RequestUri}");
    }

    public void Dispose()
    {
        _http.Dispose();
        _parser.Dispose();
    }

    private static string AccessibleText(IElement element) =>
        (element.GetAttribute("aria-label") ?? (element is IHtmlInputElement input ? input.Value : element.TextContent)).Trim();

    private static bool IsDisabled(IElement element) => element.HasAttribute("disabled");

    private async Task<IDocument> ParseAsync(HttpResponseMessage response, string what)
    {
        var html = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new BenchFailedException($"{what} answered {(int)response.StatusCode}");
        }

        var address = response.RequestMessage?.RequestUri?.ToString() ?? _http.BaseAddress!.ToString();
        return await _parser.OpenAsync(r => r.Content(html).Address(address));
    }
}
