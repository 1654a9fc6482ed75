using System.Diagnostics;
using System.Runtime.CompilerServices;
using Mentiora.Grains.Keys;
using Xunit.Abstractions;

namespace Mentiora.Tests.Grains;

/// <summary>
/// A wrong key must not answer faster or slower the more of it is right, or response times
/// would let an attacker find a key character by character. Two properties make that so: what is
/// compared is the SHA-256 of the key (a near miss shares nothing with the right key's hash), and
/// the hashes are compared in time independent of where they differ.
/// </summary>
public sealed class KeyCheckTimingTests(ITestOutputHelper output)
{
    [Fact]
    public void AKeyRightInAllButItsLastCharacterSharesNoMoreOfTheComparedHashThanARandomKey()
    {
        var key = ApiKeyMaterial.NewSecretKey();
        var hash = ApiKeyMaterial.Hash(key);
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

        var shared = 0;
        var nearMisses = 0;
        foreach (var last in alphabet.Where(c => c != key[^1]))
        {
            for (var middle = 0; middle < alphabet.Length; middle++)
            {
                // 42 or 41 of 43 characters right, every near miss a different key.
                var nearMiss = key[..41] + (middle == 0 ? key[41] : alphabet[middle]) + last;
                shared += CommonPrefixLength(hash, ApiKeyMaterial.Hash(nearMiss));
                nearMisses++;
            }
        }

        // Random 32-byte values share 1/255 of a byte on average; a key compared as text (or a
        // hash that kept the key's beginning) would share 31 or more.
        var mean = (double)shared / nearMisses;
        Assert.True(mean < 0.05, $"{nearMisses} near misses shared {mean:F3} leading bytes of the compared hash on average");
    }

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

    private static int CommonPrefixLength(byte[] a, byte[] b)
    {
        var n = 0;
        while (n < a.Length && a[n] == b[n])
        {
            n++;
        }

        return n;
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
