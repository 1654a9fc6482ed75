using Mentiora.Web.Pages.Projects;

namespace Mentiora.Tests.Dashboard;

/// <summary>The words the key list uses for time left (the Expires column, "Rolled · stops working in …").</summary>
public sealed class RemainingTimeWordsTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(30, "in 1 minute")]
    [InlineData(25 * 60, "in 25 minutes")]
    [InlineData(59 * 60 + 50, "in 1 hour")]
    [InlineData(23 * 3600 + 20 * 60, "in 23 hours")]
    [InlineData(12 * 86400 + 3600, "in 12 days")]
    public void TimeLeftIsSaidInTheLargestUnitThatReadsNaturally(int secondsLeft, string words)
    {
        Assert.Equal(words, KeyExpiryLabels.Remaining(Now.AddSeconds(secondsLeft), Now));
    }
}
