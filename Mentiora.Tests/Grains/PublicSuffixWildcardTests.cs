using Mentiora.Grains.Keys;
using Mentiora.Web.Pages.Projects;

namespace Mentiora.Tests.Grains;

/// <summary>
/// Wildcard origins whose base is a public suffix (github.io, co.uk) would let every stranger's
/// site there write with a key: they are refused when saved, and one stored earlier accepts nothing.
/// </summary>
public sealed class PublicSuffixWildcardTests
{
    [Theory]
    [InlineData("https://*.github.io", "github.io")] // the list's PRIVATE section counts too
    [InlineData("https://*.vercel.app", "vercel.app")]
    [InlineData("https://*.co.uk", "co.uk")]
    [InlineData("https://*.GitHub.io./", "github.io")]
    [InlineData("https://*.anything.ck", "anything.ck")] // the wildcard rule *.ck makes every name under ck a suffix
    [InlineData("https://*.shop.kawasaki.jp", "shop.kawasaki.jp")] // *.kawasaki.jp
    [InlineData("https://*.公司.cn", "xn--55qx5d.cn")] // the list writes IDN rules in Unicode
    [InlineData("https://*.xn--55qx5d.cn", "xn--55qx5d.cn")] // and an origin typed in punycode is the same name
    [InlineData("http://*.github.io:8080", "github.io")]
    public void AWildcardOnAPublicSuffixIsRefusedSayingWhy(string input, string suffix)
    {
        Assert.False(AllowedOrigin.TryParse(input, out var origin, out var error));

        Assert.Null(origin);
        Assert.Equal(new OriginError(OriginProblem.WildcardOnPublicSuffix, suffix), error);
        Assert.StartsWith($"The wildcard *.{suffix} would allow every site on {suffix}, a public suffix", OriginMessages.Describe(error), StringComparison.Ordinal);
    }

    [Fact]
    public void TheMessageForGithubIoSaysToListYourOwnSubdomain()
    {
        AllowedOrigin.TryParse("https://*.github.io", out _, out var error);

        Assert.Equal(
            "The wildcard *.github.io would allow every site on github.io, a public suffix where anyone can register a site of their own; list your own subdomain instead, like https://*.yourapp.github.io or https://yourapp.github.io.",
            OriginMessages.Describe(error!));
    }

    [Fact]
    public void TestingAWildcardOnAPublicSuffixSaysWhyItCannotBeARule()
    {
        AllowedOrigin.TryParse("https://*.vercel.app", out _, out var error);

        var answer = OriginMessages.Tested(new Mentiora.Grains.Projects.OriginTest(Mentiora.Grains.Projects.OriginTestOutcome.Invalid, null, null, error));

        Assert.False(answer!.Accepted);
        Assert.StartsWith("The wildcard *.vercel.app would allow every site on vercel.app", answer.Text);
    }

    [Fact]
    public void AWildcardOnATopLevelDomainStaysRefusedAsTooBroad()
    {
        Assert.False(AllowedOrigin.TryParse("https://*.com", out _, out var error));

        Assert.Equal(OriginProblem.WildcardTooBroad, error.Problem);
    }

    [Theory]
    [InlineData("https://*.example.com")]
    [InlineData("https://*.myapp.github.io")]
    [InlineData("https://*.myapp.vercel.app")]
    [InlineData("https://*.example.co.uk")]
    [InlineData("https://*.www.ck")] // the exception rule !www.ck: www.ck is someone's own name
    [InlineData("https://*.city.kawasaki.jp")] // !city.kawasaki.jp
    [InlineData("https://*.a.b.ck")] // under the suffix b.ck, a.b.ck is registrable
    [InlineData("https://*.example.公司.cn")]
    [InlineData("https://*.preview.localhost")]
    public void AWildcardOnSomeonesOwnDomainIsAccepted(string input)
    {
        Assert.True(AllowedOrigin.TryParse(input, out var origin, out var error), error?.ToString());

        Assert.True(origin.IsWildcard);
    }

    [Theory]
    [InlineData("com", true)] // listed
    [InlineData("zz", true)] // unlisted single labels are suffixes by the default rule *
    [InlineData("co.uk", true)]
    [InlineData("example.co.uk", false)]
    [InlineData("github.io", true)]
    [InlineData("myapp.github.io", false)]
    [InlineData("anything.ck", true)]
    [InlineData("www.ck", false)]
    [InlineData("xn--55qx5d.cn", true)]
    [InlineData("kawasaki.jp", false)]
    [InlineData("city.kawasaki.jp", false)]
    [InlineData("example.com", false)]
    public void TheListIsReadWithItsNormalWildcardAndExceptionRules(string host, bool isPublicSuffix)
    {
        Assert.Equal(isPublicSuffix, PublicSuffixList.IsPublicSuffix(host));
    }

    [Fact]
    public void TheEmbeddedListIsTheWholeList()
    {
        // The 2023-02-09 list has about 9,500 rules; a truncated or missing resource would have far fewer.
        Assert.InRange(PublicSuffixList.RuleCount, 8_000, 20_000);
    }

    [Fact]
    public void AWildcardOnAPublicSuffixStoredEarlierAcceptsNothingAndTheDialogSaysWhy()
    {
        const string stored = "https://*.github.io";

        Assert.False(AllowedOrigin.Accepts(stored, "https://attacker.github.io"));
        Assert.False(AllowedOrigin.MatchesAny([stored], "https://attacker.github.io"));
        Assert.Empty(AllowedOrigin.CanonicalForms([stored]));
        Assert.True(AllowedOrigin.Accepts("https://*.myapp.github.io", "https://pr-1.myapp.github.io"));
        Assert.StartsWith("Accepts nothing. The wildcard *.github.io would allow every site on github.io", OriginMessages.Ignored(stored));
        Assert.Null(OriginMessages.Ignored("https://*.myapp.github.io"));
    }
}
