using System.Diagnostics;
using System.Runtime.CompilerServices;
using Mentiora.Grains.Keys;
using Xunit.Abstractions;

namespace Mentiora.Tests.Grains;

/// <summary>
/// The second property that keeps response times from revealing how much of a wrong key is right:
/// the hashes are compared in time independent of where they differ. It is measured with a clock,
/// so it runs in <see cref="QuietMachineCollection"/>, after the parallel tests that would disturb it.
/// </summary>
[Collection(QuietMachineCollection.Name)]
public sealed class KeyCheckTimingTests(ITestOutputHelper output)
{
    [Fact]
    public void ComparingHashesTakesAsLongWhereverTheyDiffer()
    {
        var hash = ApiKeyMaterial.Hash(ApiKeyMaterial.NewSecretKey());
        var wrongFirst = (byte[])hash.Clone();
        wrongFirst[0] ^= 1;
        var wrongLast = (byte[])hash.Clone();
        wrongLast[^1] ^= 1;

        // The measurement must be able to see the difference an early-exit comparison makes;
        // otherwise "no difference" below would prove nothing.
        var naive = MedianRatio(hash, wrongFirst, wrongLast, EarlyExitEquals);
        Assert.True(naive > 2, $"the timing could not tell an early-exit comparison apart (last/first byte: {naive:F2}); the machine may be too busy");

        var product = MedianRatio(hash, wrongFirst, wrongLast, (a, b) => ApiKeyMaterial.HashesMatch(a, b));
        output.WriteLine($"time to refuse a hash wrong in its last byte / in its first byte: early-exit comparison {naive:F2}, the product's {product:F2}");
        Assert.True(product is > 0.67 and < 1.5, $"a hash wrong in its last byte took {product:F2}× as long to refuse as one wrong in its first byte");
    }

    // Median over interleaved rounds of (time to refuse wrongLast) / (time to refuse wrongFirst):
    // interleaving puts both under the same machine noise, the median drops the outliers.
    private static double MedianRatio(byte[] hash, byte[] wrongFirst, byte[] wrongLast, Func<byte[], byte[], bool> equals)
    {
        const int rounds = 41;
        const int callsPerSample = 20_000;
        var ratios = new double[rounds];
        Time(equals, hash, wrongFirst, callsPerSample);
        for (var round = 0; round < rounds; round++)
        {
            long first, last;
            if (round % 2 == 0)
            {
                first = Time(equals, hash, wrongFirst, callsPerSample);
                last = Time(equals, hash, wrongLast, callsPerSample);
            }
            else
            {
                last = Time(equals, hash, wrongLast, callsPerSample);
                first = Time(equals, hash, wrongFirst, callsPerSample);
            }

            ratios[round] = (double)last / Math.Max(1, first);
        }

        Array.Sort(ratios);
        return ratios[rounds / 2];
    }

    private static long Time(Func<byte[], byte[], bool> equals, byte[] a, byte[] b, int calls)
    {
        var matches = 0;
        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < calls; i++)
        {
            if (equals(a, b))
            {
                matches++;
            }
        }

        var elapsed = Stopwatch.GetTimestamp() - started;
        Assert.Equal(0, matches);
        return elapsed;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool EarlyExitEquals(byte[] a, byte[] b)
    {
        for (var i = 0; i < a.Length; i++)
        {
            if (a[i] != b[i])
            {
                return false;
            }
        }

        return true;
    }
}
