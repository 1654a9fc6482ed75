using System.Net;
using Mentiora.Tests.Infrastructure;

namespace Mentiora.Tests.Dashboard;

public sealed class AccountPageTests(EmbeddedDashboardAppFixture fixture) : LeakCheckedTests(fixture.App), IClassFixture<EmbeddedDashboardAppFixture>
{
    [Fact]
    public async Task SignUpLandsOnTheFirstProjectWithTheNavigationMenu()
    {
        var browser = fixture.NewVisitor();
        var projectId = await browser.SignUpAsync();

        var traces = await browser.GetPageAsync($"/projects/{projectId}/traces");

        Assert.Contains("My first project", traces);
        Assert.Matches($"href=\"/projects/{projectId}/settings\"[^>]*>Settings</a>", traces);
        Assert.Contains($"aria-current=\"page\" href=\"/projects/{projectId}/traces\">Traces</a>", traces);
        Assert.Contains("Sign out", traces);
    }

    [Fact]
    public async Task AnonymousVisitorsAreSentToSignIn()
    {
        var browser = fixture.NewVisitor();

        var response = await browser.Http.GetAsync($"/projects/{Guid.NewGuid()}/settings");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/signin", response.Headers.Location!.PathAndQuery);
    }

    [Fact]
    public async Task SignUpExplainsWhatIsWrong()
    {
        var browser = fixture.NewVisitor();
        var email = DashboardClient.NewEmail();
        await browser.SignUpAsync(email);
        var other = fixture.NewVisitor();
        await other.GetPageAsync("/signup");

        var shortPassword = await other.PostFormAsync("/signup", new() { ["Email"] = DashboardClient.NewEmail(), ["Password"] = "short" });
        var badEmail = await other.PostFormAsync("/signup", new() { ["Email"] = "not an email", ["Password"] = DashboardClient.Password });
        var taken = await other.PostFormAsync("/signup", new() { ["Email"] = email.ToUpperInvariant(), ["Password"] = DashboardClient.Password });

        Assert.Contains("Use at least 12 characters.", await shortPassword.Content.ReadAsStringAsync());
        Assert.Contains("Enter an email address", await badEmail.Content.ReadAsStringAsync());
        Assert.Contains("An account with this email already exists", await taken.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task SignInAcceptsTheRightPasswordOnlyAndSignOutEndsTheSession()
    {
        var email = DashboardClient.NewEmail();
        var projectId = await fixture.NewVisitor().SignUpAsync(email);
        var browser = fixture.NewVisitor();
        await browser.GetPageAsync("/signin");

        var wrong = await browser.PostFormAsync("/signin", new() { ["Email"] = email, ["Password"] = "wrong password here" });
        Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
        Assert.Contains("The email or password is not correct.", await wrong.Content.ReadAsStringAsync());

        var right = await browser.PostFormAsync("/signin", new() { ["Email"] = $"  {email.ToUpperInvariant()} ", ["Password"] = DashboardClient.Password });
        Assert.Equal(HttpStatusCode.Redirect, right.StatusCode);
        var settings = await browser.GetPageAsync($"/projects/{projectId}/settings");
        Assert.Contains("API Keys", settings);

        var signedOut = await browser.PostFormAsync("/signout", []);
        Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.Http.GetAsync($"/projects/{projectId}/settings")).StatusCode);
    }

    [Fact]
    public async Task TheSessionCookieIsHttpOnlyAndSameSiteLax()
    {
        var browser = fixture.NewVisitor();
        await browser.GetPageAsync("/signup");

        var response = await browser.PostFormAsync("/signup", new() { ["Email"] = DashboardClient.NewEmail(), ["Password"] = DashboardClient.Password });

        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("mentiora.session=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task AnotherProjectCanBeCreatedAndSwitchedTo()
    {
        var browser = fixture.NewVisitor();
        var first = await browser.SignUpAsync();
        await browser.GetPageAsync("/projects/new");

        var created = await browser.PostFormAsync("/projects/new", new() { ["Name"] = "Checkout service" });

        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        var settings = await browser.GetPageAsync(created.Headers.Location!.ToString());
        Assert.Contains("Checkout service", settings);
        Assert.Contains($"href=\"/projects/{first}/traces\">My first project</a>", settings);
    }
}
