using Mentiora.Tests.Infrastructure;

namespace Mentiora.Tests.Web;

public sealed class SecurityHeadersTests(EmbeddedIngestionAppFixture fixture) : LeakCheckedTests(fixture.App), IClassFixture<EmbeddedIngestionAppFixture>
{
    [Theory]
    [InlineData("/")]
    [InlineData("/signin")]
    [InlineData("/signup")]
    public async Task DashboardPagesForbidInlineScriptsFramingAndSniffing(string page)
    {
        var response = await fixture.Client.GetAsync(page);

        var policy = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self'", policy);
        Assert.DoesNotContain("unsafe-inline", policy);
        Assert.DoesNotContain("unsafe-eval", policy);
        Assert.Contains("frame-ancestors 'none'", policy);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
        Assert.Equal("same-origin", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
    }

    [Fact]
    public async Task ApiAnswersAreNotSniffedEither()
    {
        var response = await fixture.Client.SendAsync(TraceEvents.Post(TraceEvents.Valid(), key: null));

        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
    }
}
