using System.Net;
using Mentiora.Tests.Infrastructure;
using Microsoft.Net.Http.Headers;

namespace Mentiora.Tests.Web;

/// <summary>
/// The session and antiforgery cookies are Secure and named __Host-… whenever the browser used HTTPS, directly or
/// through a trusted proxy, so they never travel in clear text and no other host can plant them; HTTPS answers carry
/// HSTS. Over plain HTTP (local development) they still work.
/// </summary>
public sealed class SecureCookieTests
{
    private const string Session = "mentiora.session";
    private const string Antiforgery = "mentiora.antiforgery";
    private const string HostSession = "__Host-mentiora.session";
    private const string HostAntiforgery = "__Host-mentiora.antiforgery";

    [Fact]
    public async Task OverHttpsSignUpAndSignInSetSecureCookies()
    {
        await using var app = MentioraApp.OverHttps(TestStorage.NewEmbedded());
        Assert.Equal(Uri.UriSchemeHttps, app.Start().BaseAddress!.Scheme);
        var email = DashboardClient.NewEmail();
        var newcomer = new DashboardClient(app);

        var form = await newcomer.Http.GetAsync("/signup");
        await newcomer.GetPageAsync("/signup");
        var signedUp = await newcomer.PostFormAsync("/signup", new() { ["Email"] = email, ["Password"] = DashboardClient.Password });

        AssertAntiforgeryCookie(Cookie(form, HostAntiforgery), secure: true);
        Assert.Equal(HttpStatusCode.Redirect, signedUp.StatusCode);
        AssertSessionCookie(Cookie(signedUp, HostSession), secure: true);
        AssertNoneNamed(form, Antiforgery);
        AssertNoneNamed(signedUp, Session);
        // The prefixed cookies work: the first project opens instead of the sign-in page.
        await newcomer.GetPageAsync(signedUp.Headers.Location!.ToString());

        var returning = new DashboardClient(app);
        await returning.GetPageAsync("/signin");
        var signedIn = await returning.PostFormAsync("/signin", new() { ["Email"] = email, ["Password"] = DashboardClient.Password });

        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        var session = Cookie(signedIn, HostSession);
        AssertSessionCookie(session, secure: true);

        // Over HTTPS the same session without the prefix is the kind of cookie another host could have planted: ignored.
        using var planted = new HttpClient(app.CreateClientHandler()) { BaseAddress = app.Start().BaseAddress };
        var request = new HttpRequestMessage(HttpMethod.Get, signedUp.Headers.Location);
        request.Headers.Add("Cookie", $"{Session}={session.Value.Value}");
        var answer = await planted.SendAsync(request);
        Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        Assert.Equal("/signin", answer.Headers.Location!.AbsolutePath);
    }

    [Fact]
    public async Task HttpsAnswersCarryHstsAndPlainHttpAnswersDoNot()
    {
        await using var secure = MentioraApp.OverHttps(TestStorage.NewEmbedded());
        await using var plain = new MentioraApp(TestStorage.NewEmbedded());
        using var overHttps = new HttpClient(secure.CreateClientHandler()) { BaseAddress = secure.Start().BaseAddress };
        var (behindProxy, _) = BrowserBehindProxy.Open(plain, "203.0.113.7", "https");

        var https = await overHttps.GetAsync("/signin");
        var proxiedHttps = await behindProxy.Http.GetAsync("/signin");
        var http = await plain.Start().GetAsync("/signin");

        Assert.Equal("max-age=31536000", string.Join(",", https.Headers.GetValues("Strict-Transport-Security")));
        Assert.Equal("max-age=31536000", string.Join(",", proxiedHttps.Headers.GetValues("Strict-Transport-Security")));
        Assert.False(http.Headers.Contains("Strict-Transport-Security"), "HSTS over plain HTTP would be ignored by browsers, and is not sent");
    }

    [Fact]
    public async Task OverPlainHttpTheCookiesAreNotSecureSoLocalDevelopmentWorks()
    {
        await using var app = new MentioraApp(TestStorage.NewEmbedded());
        var browser = new DashboardClient(app);

        var form = await browser.Http.GetAsync("/signup");
        await browser.GetPageAsync("/signup");
        var signedUp = await browser.PostFormAsync("/signup", new() { ["Email"] = DashboardClient.NewEmail(), ["Password"] = DashboardClient.Password });

        AssertAntiforgeryCookie(Cookie(form, Antiforgery), secure: false);
        Assert.Equal(HttpStatusCode.Redirect, signedUp.StatusCode);
        AssertSessionCookie(Cookie(signedUp, Session), secure: false);
        // The browser sends the cookie back over HTTP: the first project opens instead of the sign-in page.
        await browser.GetPageAsync(signedUp.Headers.Location!.ToString());
    }

    [Fact]
    public async Task BehindATrustedProxyTheCookiesAreSecureWhenTheBrowserUsedHttps()
    {
        // The test connects from 127.0.0.1, which the default Proxy:TrustedNetworks (loopback) trusts.
        await using var app = new MentioraApp(TestStorage.NewEmbedded());
        var (browser, proxy) = BrowserBehindProxy.Open(app, "203.0.113.7", "https");

        await browser.GetPageAsync("/signup");
        var signedUp = await browser.PostFormAsync("/signup", new() { ["Email"] = DashboardClient.NewEmail(), ["Password"] = DashboardClient.Password });

        Assert.Equal(HttpStatusCode.Redirect, signedUp.StatusCode);
        AssertAntiforgeryCookie(proxy.LastSet(HostAntiforgery), secure: true);
        AssertSessionCookie(proxy.LastSet(HostSession), secure: true);
        await browser.GetPageAsync(signedUp.Headers.Location!.ToString());
        // The sign-in redirect keeps the scheme the browser used, so nobody is sent to plain HTTP.
        var (stranger, _) = BrowserBehindProxy.Open(app, "203.0.113.8", "https");
        Assert.Equal(Uri.UriSchemeHttps, SignInRedirectScheme(await stranger.Http.GetAsync(signedUp.Headers.Location)));
    }

    [Fact]
    public async Task FromAnUntrustedAddressXForwardedProtoIsIgnored()
    {
        await using var app = new MentioraApp(TestStorage.NewEmbedded(), new Dictionary<string, string?> { ["Proxy:TrustedNetworks"] = "10.99.0.0/16" });
        var (browser, proxy) = BrowserBehindProxy.Open(app, "203.0.113.7", "https");

        await browser.GetPageAsync("/signup");
        var signedUp = await browser.PostFormAsync("/signup", new() { ["Email"] = DashboardClient.NewEmail(), ["Password"] = DashboardClient.Password });

        Assert.Equal(HttpStatusCode.Redirect, signedUp.StatusCode);
        AssertAntiforgeryCookie(proxy.LastSet(Antiforgery), secure: false);
        AssertSessionCookie(proxy.LastSet(Session), secure: false);
        Assert.DoesNotContain(proxy.SetCookies, c => c.Name.Value!.StartsWith("__Host-", StringComparison.Ordinal));
        var (stranger, _) = BrowserBehindProxy.Open(app, "203.0.113.8", "https");
        Assert.Equal(Uri.UriSchemeHttp, SignInRedirectScheme(await stranger.Http.GetAsync(signedUp.Headers.Location)));
    }

    private static SetCookieHeaderValue Cookie(HttpResponseMessage response, string name)
    {
        var headers = response.Headers.TryGetValues(HeaderNames.SetCookie, out var values) ? values.ToList() : [];
        var cookie = SetCookieHeaderValue.ParseList(headers).LastOrDefault(c => c.Name == name);
        Assert.True(cookie is not null, $"{name} should be set; Set-Cookie: {string.Join(" | ", headers)}");
        return cookie;
    }

    private static void AssertNoneNamed(HttpResponseMessage response, string name)
    {
        var headers = response.Headers.TryGetValues(HeaderNames.SetCookie, out var values) ? values.ToList() : [];
        Assert.DoesNotContain(SetCookieHeaderValue.ParseList(headers), c => c.Name == name);
    }

    private static void AssertSessionCookie(SetCookieHeaderValue cookie, bool secure)
    {
        AssertHostRules(cookie, secure);
        Assert.Equal(secure, cookie.Secure);
        Assert.True(cookie.HttpOnly, "scripts must not read the session cookie");
        Assert.Equal(Microsoft.Net.Http.Headers.SameSiteMode.Lax, cookie.SameSite);
    }

    // What browsers require of a __Host- cookie, and what ours are over plain HTTP too: the whole site, this host only.
    private static void AssertHostRules(SetCookieHeaderValue cookie, bool secure)
    {
        Assert.Equal(secure, cookie.Name.Value!.StartsWith("__Host-", StringComparison.Ordinal));
        Assert.Equal("/", cookie.Path.Value);
        Assert.Null(cookie.Domain.Value);
    }

    private static void AssertAntiforgeryCookie(SetCookieHeaderValue cookie, bool secure)
    {
        AssertHostRules(cookie, secure);
        Assert.Equal(secure, cookie.Secure);
        Assert.True(cookie.HttpOnly, "scripts must not read the antiforgery cookie");
        Assert.Equal(Microsoft.Net.Http.Headers.SameSiteMode.Strict, cookie.SameSite);
    }

    private static string SignInRedirectScheme(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!;
        Assert.True(location.IsAbsoluteUri && location.AbsolutePath == "/signin", $"expected an absolute redirect to /signin, got {location}");
        return location.Scheme;
    }
}
