using System.Net;
using Mentiora.Tests.Infrastructure;
using Microsoft.Net.Http.Headers;

namespace Mentiora.Tests.Dashboard;

/// <summary>
/// A session ends on the server when its person signs out: a copy of the cookie (from a shared computer, a proxy log, a
/// stolen backup of the browser) is worthless afterwards, and Sign out everywhere ends the sessions of every browser.
/// </summary>
public sealed class SessionTests(EmbeddedDashboardAppFixture fixture) : LeakCheckedTests(fixture.App), IClassFixture<EmbeddedDashboardAppFixture>
{
    private const string SessionCookie = "mentiora.session";

    [Fact]
    public async Task ACopyOfTheSessionCookieIsRefusedAfterSigningOut()
    {
        var email = DashboardClient.NewEmail();
        var projectId = await fixture.NewVisitor().SignUpAsync(email);
        var browser = fixture.NewVisitor();
        var copy = await SignInAndCopyCookieAsync(browser, email);
        var settings = $"/projects/{projectId}/settings";
        Assert.Equal(HttpStatusCode.OK, (await ReplayAsync(copy, settings)).StatusCode);

        await browser.GetPageAsync(settings);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.PostFormAsync("/signout", [])).StatusCode);

        AssertSentToSignIn(await ReplayAsync(copy, settings));
    }

    [Fact]
    public async Task SignOutEverywhereEndsTheSessionsOfEveryBrowser()
    {
        var email = DashboardClient.NewEmail();
        var projectId = await fixture.NewVisitor().SignUpAsync(email);
        var laptop = fixture.NewVisitor();
        var phone = fixture.NewVisitor();
        var laptopCookie = await SignInAndCopyCookieAsync(laptop, email);
        await SignInAndCopyCookieAsync(phone, email);
        var settings = $"/projects/{projectId}/settings";
        Assert.Contains("API Keys", await phone.GetPageAsync(settings));

        var account = await laptop.GetPageAsync("/account");
        Assert.Contains("Sign out everywhere", account);
        Assert.Contains("signed in on 3 browsers", account);
        var signedOut = await laptop.PostFormAsync("/account?handler=SignOutEverywhere", []);

        Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
        Assert.StartsWith("/signin", signedOut.Headers.Location!.OriginalString);
        AssertSentToSignIn(await phone.Http.GetAsync(settings));
        AssertSentToSignIn(await laptop.Http.GetAsync(settings));
        AssertSentToSignIn(await ReplayAsync(laptopCookie, settings));
    }

    [Fact]
    public async Task TheAccountPageShowsTheAccountsIdAndAddress()
    {
        var email = DashboardClient.NewEmail();
        var browser = fixture.NewVisitor();
        await browser.SignUpAsync(email);

        var account = await browser.GetPageAsync("/account");

        Assert.Matches("^acct_[A-Za-z0-9_-]{22}$", DashboardHtml.AccountId(account));
        Assert.Contains(email, account);
        Assert.Equal(HttpStatusCode.Redirect, (await fixture.NewVisitor().Http.GetAsync("/account")).StatusCode);
    }

    private static async Task<string> SignInAndCopyCookieAsync(DashboardClient browser, string email)
    {
        await browser.GetPageAsync("/signin");
        var signedIn = await browser.PostFormAsync("/signin", new() { ["Email"] = email, ["Password"] = DashboardClient.Password });
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        var cookie = SetCookieHeaderValue.ParseList(signedIn.Headers.GetValues(HeaderNames.SetCookie).ToList()).Single(c => c.Name == SessionCookie);
        return cookie.Value.Value!;
    }

    // The cookie's value sent from another client, as whoever copied it would.
    private async Task<HttpResponseMessage> ReplayAsync(string cookieValue, string url)
    {
        using var replayer = new HttpClient(fixture.App.CreateClientHandler()) { BaseAddress = fixture.App.Start().BaseAddress };
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Add("Cookie", $"{SessionCookie}={cookieValue}");
        return await replayer.SendAsync(request);
    }

    private static void AssertSentToSignIn(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/signin", response.Headers.Location!.IsAbsoluteUri ? response.Headers.Location.AbsolutePath : response.Headers.Location.OriginalString.Split('?')[0]);
    }
}
