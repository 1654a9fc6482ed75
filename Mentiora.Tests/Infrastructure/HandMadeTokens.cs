using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Mentiora.Tests.Infrastructure;

/// <summary>JWTs built by hand, independently of the code under test, so negative cases can say anything.</summary>
public static class HandMadeTokens
{
    /// <summary>The standard header of an HS256 token.</summary>
    public const string Hs256Header = """{"alg":"HS256","typ":"JWT"}""";

    /// <summary>header.payload.signature, signed with HMAC-SHA256 unless another HMAC is given.</summary>
    public static string Sign(string headerJson, string payloadJson, byte[] key, Func<byte[], byte[], byte[]>? hmac = null)
    {
        var signingInput = Encode(headerJson) + "." + Encode(payloadJson);
        var signature = (hmac ?? HMACSHA256.HashData)(key, Encoding.ASCII.GetBytes(signingInput));
        return signingInput + "." + Base64Url.EncodeToString(signature);
    }

    /// <summary>The three required claims as JSON.</summary>
    public static string Claims(long iat, long exp, string sub = "user-42") =>
        $$"""{"sub":"{{sub}}","iat":{{iat}},"exp":{{exp}}}""";

    /// <summary>base64url of the text's UTF-8 bytes.</summary>
    public static string Encode(string json) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json));
}
