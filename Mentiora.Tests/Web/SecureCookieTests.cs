using System.Net;
using Mentiora.Tests.Infrastructure;
using Microsoft.Net.Http.Headers;

namespace Mentiora.Tests.Web;

/// <summary>
/// The session and antiforgery cookies are Secure whenever the browser used HTTPS, directly or
/// through a trusted proxy, so they never travel in clear text; over plain HTTP (local
/// development) they still work.
/// </summary>
public sealed class SecureCookieTests
{
    private const string Session = "mentiora.session";
    private const string Antiforgery = "mentiora.antiforgery";

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

        AssertAntiforgeryCookie(Cookie(form, Antiforgery), secure: true);
        Assert.Equal(HttpStatusCode.Redirect, signedUp.StatusCode);
        AssertSessionCookie(Cookie(signedUp, Session), secure: true);

        var returning = new DashboardClient(app);
        await returning.GetPageAsync("/signin");
        var signedIn = await returning.PostFormAsync("/signin", new() { ["Email"] = email, ["Password"] = DashboardClient.Password });

        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        AssertSessionCookie(Cookie(signedIn, Session), secure: true);
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
        AssertAntiforgeryCookie(proxy.LastSet(Antiforgery), secure: true);
        AssertSessionCookie(proxy.LastSet(Session), secure: true);
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

    private static void AssertSessionCookie(SetCookieHeaderValue cookie, bool secure)
    {
        Assert.Equal(secure, cookie.Secure);
        Assert.True(cookie.HttpOnly, "scripts must not read the session cookie");
        Assert.Equal(Microsoft.Net.Http.Headers.SameSiteMode.Lax, cookie.SameSite);
    }

    private static void AssertAntiforgeryCookie(SetCookieHeaderValue cookie, bool secure)
    {
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
