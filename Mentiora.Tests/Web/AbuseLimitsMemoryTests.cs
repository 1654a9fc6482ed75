using System.Net;
using Mentiora.Tests.Infrastructure;
using Mentiora.Web.Security;
using Microsoft.Extensions.Configuration;

namespace Mentiora.Tests.Web;

/// <summary>The sign-in and sign-up limits remember a bounded number of accounts and addresses, however many a flood brings.</summary>
public sealed class AbuseLimitsMemoryTests
{
    private const int Distinct = 10_000;

    [Fact]
    public void TenThousandDistinctAddressesAndEmailsAreTrackedInABoundedSpace()
    {
        var clock = new AdjustableClock();
        using var limits = new AbuseLimits(Settings(signInsPerMinute: 2, signUpsPerHour: 2), clock);

        for (var i = 0; i < Distinct; i++)
        {
            var address = new IPAddress(BitConverter.GetBytes(0x0A000000 + i).Reverse().ToArray());
            Assert.True(limits.TrySignIn($"user-{i}@example.com", address));
            Assert.True(limits.TrySignUp(address));
        }

        // Three counts (per account, sign-ins and sign-ups per address), each holding at most MaxTrackedPartitions.
        Assert.Equal(4096, AbuseLimits.MaxTrackedPartitions);
        Assert.InRange(limits.TrackedSignInAndSignUpPartitions, 1, 3 * 4096);

        // The recent ones are still counted: the limit still works for them under the flood.
        var recent = new IPAddress(BitConverter.GetBytes(0x0A000000 + Distinct - 1).Reverse().ToArray());
        Assert.True(limits.TrySignUp(recent));
        Assert.False(limits.TrySignUp(recent));
        Assert.True(limits.TrySignIn($"user-{Distinct - 1}@example.com", IPAddress.Parse("192.0.2.1")));
        Assert.False(limits.TrySignIn($"user-{Distinct - 1}@example.com", IPAddress.Parse("192.0.2.1")));
    }

    [Fact]
    public void SpentBudgetsRefillAfterTheirWindowAndAreForgotten()
    {
        var clock = new AdjustableClock();
        using var limits = new AbuseLimits(Settings(signInsPerMinute: 1, signUpsPerHour: 1), clock);
        var address = IPAddress.Parse("198.51.100.9");
        Assert.True(limits.TrySignIn("someone@example.com", address));
        Assert.False(limits.TrySignIn("someone@example.com", address));
        Assert.True(limits.TrySignUp(address));
        Assert.False(limits.TrySignUp(address));

        clock.Advance(TimeSpan.FromSeconds(61));
        Assert.True(limits.TrySignIn("someone@example.com", address));
        Assert.False(limits.TrySignUp(address));

        clock.Advance(TimeSpan.FromHours(1));
        Assert.True(limits.TrySignUp(address));
        // Only the partitions just used are left: the expired ones were dropped, not kept idle.
        Assert.Equal(3, limits.TrackedSignInAndSignUpPartitions);
    }

    [Fact]
    public void AnIpv6ClientCannotDodgeTheSignUpLimitByRotatingWithinItsSlash64()
    {
        using var limits = new AbuseLimits(Settings(signInsPerMinute: 10, signUpsPerHour: 1), new AdjustableClock());

        Assert.True(limits.TrySignUp(IPAddress.Parse("2001:db8:1:2::1")));

        Assert.False(limits.TrySignUp(IPAddress.Parse("2001:db8:1:2:ffff::7")));
        Assert.True(limits.TrySignUp(IPAddress.Parse("2001:db8:1:3::1")));
    }

    private static IConfiguration Settings(int signInsPerMinute, int signUpsPerHour) => new ConfigurationBuilder()
        .AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Limits:SignInAttemptsPerMinute"] = signInsPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Limits:SignUpsPerAddressPerHour"] = signUpsPerHour.ToString(System.Globalization.CultureInfo.InvariantCulture),
        })
        .Build();
}
