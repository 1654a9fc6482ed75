using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Mentiora.Grains.Keys;

namespace Mentiora.Tests.Grains;

public sealed class ApiKeyMaterialTests
{
    [Fact]
    public void SecretKeysAre32RandomBytesAs43Base64UrlCharacters()
    {
        var keys = Enumerable.Range(0, 200).Select(_ => ApiKeyMaterial.NewSecretKey()).ToList();

        Assert.All(keys, key =>
        {
            Assert.Equal(43, key.Length);
            Assert.Matches("^[A-Za-z0-9_-]{43}$", key);
            Assert.Equal(32, Base64Url.DecodeFromChars(key).Length);
            Assert.True(ApiKeyMaterial.LooksLikeSecretKey(key));
        });
        Assert.Equal(keys.Count, keys.Distinct().Count());
        Assert.Equal(keys.Count, keys.Select(ApiKeyMaterial.PrefixOf).Distinct().Count());
    }

    [Fact]
    public void ThePrefixIsTheFirstEightCharacters()
    {
        var key = ApiKeyMaterial.NewSecretKey();

        Assert.Equal(key[..8], ApiKeyMaterial.PrefixOf(key));
    }

    [Fact]
    public void KeysAreHashedWithSha256()
    {
        var key = ApiKeyMaterial.NewSecretKey();

        Assert.Equal(SHA256.HashData(Encoding.ASCII.GetBytes(key)), ApiKeyMaterial.Hash(key));
        Assert.NotEqual(ApiKeyMaterial.Hash(key), ApiKeyMaterial.Hash(ApiKeyMaterial.NewSecretKey()));
    }

    [Fact]
    public void HashesMatchOnlyWhenEqual()
    {
        var hash = ApiKeyMaterial.Hash(ApiKeyMaterial.NewSecretKey());
        var other = (byte[])hash.Clone();
        other[^1] ^= 1;

        Assert.True(ApiKeyMaterial.HashesMatch(hash, (byte[])hash.Clone()));
        Assert.False(ApiKeyMaterial.HashesMatch(hash, other));
        Assert.False(ApiKeyMaterial.HashesMatch(hash, hash[..16]));
    }

    [Fact]
    public void PublishableKeysAndSigningSecretsHaveTheirDocumentedShape()
    {
        var publishable = ApiKeyMaterial.NewPublishableKey();
        var secret = ApiKeyMaterial.NewSigningSecret();

        Assert.Matches("^pk_live_[A-Za-z0-9_-]{32}$", publishable);
        Assert.Equal(24, Base64Url.DecodeFromChars(publishable.AsSpan("pk_live_".Length)).Length);
        Assert.Equal(32, Base64Url.DecodeFromChars(secret).Length);
    }

    [Theory]
    [InlineData("")]
    [InlineData("abcdefgh")]
    [InlineData("pk_live_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public void TextThatIsNotShapedLikeAKeyIsRecognised(string text)
    {
        Assert.False(ApiKeyMaterial.LooksLikeSecretKey(text));
    }

    [Fact]
    public void ANewPublishableKeyHasAPublishableKeysShape()
    {
        Assert.True(ApiKeyMaterial.LooksLikePublishableKey(ApiKeyMaterial.NewPublishableKey()));
    }

    [Theory]
    [InlineData("pk_live_")]
    [InlineData("pk_live_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("pk_live_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("pk_live_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+")]
    [InlineData("pk_live_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    [InlineData("pk_test_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("PK_LIVE_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public void TextThatIsNotShapedLikeAPublishableKeyIsRecognised(string text)
    {
        Assert.False(ApiKeyMaterial.LooksLikePublishableKey(text));
    }
}
