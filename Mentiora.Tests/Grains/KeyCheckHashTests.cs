using Mentiora.Grains.Keys;

namespace Mentiora.Tests.Grains;

/// <summary>
/// A wrong key must not answer faster or slower the more of it is right, or response times
/// would let an attacker find a key character by character. The first of two properties that make
/// that so, checked here without a clock: what is compared is the SHA-256 of the key, so a near miss
/// shares nothing with the right key's hash. <see cref="KeyCheckTimingTests"/> measures the second.
/// </summary>
public sealed class KeyCheckHashTests
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

    private static int CommonPrefixLength(byte[] a, byte[] b)
    {
        var n = 0;
        while (n < a.Length && a[n] == b[n])
        {
            n++;
        }

        return n;
    }
}
