using System.Net;
using Mentiora.Grains.Accounts;
using Mentiora.Tests.Infrastructure;

namespace Mentiora.Tests.Web;

/// <summary>
/// The sign-in and sign-up forms cannot be used to spam accounts or to make the server carry and echo megabytes: an email
/// is capped before anything reads it, and sign-ups are limited per address.
/// </summary>
public sealed class AccountAbuseTests
{
    private static readonly string MegabyteEmail = new string('a', 1024 * 1024) + "@example.com";

    [Theory]
    [InlineData("/signin")]
    [InlineData("/signup")]
    public async Task AMegabyteEmailGetsASmallAnswerThatSaysWhyWithoutEchoingIt(string form)
    {
        await using var app = new MentioraApp(TestStorage.NewEmbedded());
        var browser = new DashboardClient(app);
        await browser.GetPageAsync(form);

        var answer = await browser.PostFormAsync(form, new() { ["Email"] = MegabyteEmail, ["Password"] = DashboardClient.Password });
        var html = await answer.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.True(html.Length < 50_000, $"the answer to a 1 MiB email is {html.Length} characters");
        Assert.Contains("An email address has at most 254 characters.", DashboardHtml.Errors(html));
        Assert.DoesNotContain("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", html);
    }

    [Fact]
    public async Task AnAddressOverItsHourlySignUpsIsRefusedWith429AndGetsNoAccount()
    {
        await using var app = new MentioraApp(TestStorage.NewEmbedded(), new Dictionary<string, string?> { ["Limits:SignUpsPerAddressPerHour"] = "3" });
        for (var i = 0; i < 3; i++)
        {
            await new DashboardClient(app).SignUpAsync();
        }

        var spammer = new DashboardClient(app);
        await spammer.GetPageAsync("/signup");
        var email = DashboardClient.NewEmail();
        var fourth = await spammer.PostFormAsync("/signup", new() { ["Email"] = email, ["Password"] = DashboardClient.Password });

        Assert.Equal(HttpStatusCode.TooManyRequests, fourth.StatusCode);
        Assert.Contains("Too many accounts were created from your network. Wait an hour, then try again.", DashboardHtml.Errors(await fourth.Content.ReadAsStringAsync()));
        Assert.False(await app.Grains.GetGrain<IUserGrain>(AccountEmail.Normalize(email)).Exists());
        // Signing in is a different budget: the accounts already made still work from there.
        await spammer.GetPageAsync("/signin");
    }

    [Fact]
    public async Task BehindATrustedProxySignUpsAreCountedPerBrowserAddress()
    {
        await using var app = new MentioraApp(TestStorage.NewEmbedded(), new Dictionary<string, string?> { ["Limits:SignUpsPerAddressPerHour"] = "1" });
        var (first, _) = BrowserBehindProxy.Open(app, "203.0.113.7", "https");
        var (sameAddress, _) = BrowserBehindProxy.Open(app, "203.0.113.7", "https");
        var (neighbour, _) = BrowserBehindProxy.Open(app, "203.0.113.8", "https");

        await first.SignUpAsync();
        await sameAddress.GetPageAsync("/signup");
        var refused = await sameAddress.PostFormAsync("/signup", new() { ["Email"] = DashboardClient.NewEmail(), ["Password"] = DashboardClient.Password });

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        await neighbour.SignUpAsync();
    }
}
