using Microsoft.Net.Http.Headers;

namespace Mentiora.Tests.Infrastructure;

/// <summary>
/// A browser reaching the app through nginx: every request carries the X-Forwarded-For and
/// X-Forwarded-Proto nginx adds for this client, and the test's own connection (from 127.0.0.1)
/// plays nginx's. The browser's side may be HTTPS, so it keeps and sends back Secure cookies too,
/// which a CookieContainer would hold back from the plain-HTTP connection the test really uses.
/// </summary>
public sealed class BrowserBehindProxy : DelegatingHandler
{
    private readonly string _clientAddress;
    private readonly string _scheme;
    private readonly Dictionary<string, string> _cookies = new(StringComparer.Ordinal);
    private readonly List<SetCookieHeaderValue> _setCookies = [];

    private BrowserBehindProxy(MentioraApp app, string clientAddress, string scheme)
        : base(app.CreateClientHandler())
    {
        _clientAddress = clientAddress;
        _scheme = scheme;
    }

    /// <summary>Every cookie the app set, in order.</summary>
    public IReadOnlyList<SetCookieHeaderValue> SetCookies => _setCookies;

    /// <summary>A dashboard visitor at <paramref name="clientAddress"/> who reached nginx over <paramref name="scheme"/>.</summary>
    public static (DashboardClient Browser, BrowserBehindProxy Proxy) Open(MentioraApp app, string clientAddress, string scheme)
    {
        var proxy = new BrowserBehindProxy(app, clientAddress, scheme);
        return (DashboardClient.Using(new HttpClient(proxy) { BaseAddress = app.Start().BaseAddress }), proxy);
    }

    /// <summary>The last value the app set for the cookie, with its attributes.</summary>
    public SetCookieHeaderValue LastSet(string name) =>
        _setCookies.LastOrDefault(c => c.Name == name) ?? throw new Xunit.Sdk.XunitException($"the app never set the cookie {name}");

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Add("X-Forwarded-For", _clientAddress);
        request.Headers.Add("X-Forwarded-Proto", _scheme);
        if (_cookies.Count > 0)
        {
            request.Headers.Add("Cookie", string.Join("; ", _cookies.Select(c => $"{c.Key}={c.Value}")));
        }

        var response = await base.SendAsync(request, cancellationToken);
        if (response.Headers.TryGetValues(HeaderNames.SetCookie, out var values))
        {
            foreach (var cookie in SetCookieHeaderValue.ParseList(values.ToList()))
            {
                _setCookies.Add(cookie);
                // An emptied cookie is how the app deletes one.
                if (cookie.Value.Length == 0)
                {
                    _cookies.Remove(cookie.Name.Value!);
                }
                else
                {
                    _cookies[cookie.Name.Value!] = cookie.Value.Value!;
                }
            }
        }

        return response;
    }
}
