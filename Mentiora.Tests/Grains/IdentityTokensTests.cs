using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Mentiora.Grains.Keys;
using Mentiora.Web.Api;

using Mentiora.Tests.Infrastructure;

namespace Mentiora.Tests.Grains;

public sealed class IdentityTokensTests
{
    private const string Secret = "k3Yq8vJ0bW_rT5mN2xLc-9HfA7dPzUe4sGiQo1RyVtE";
    private const string Hs256Header = """{"alg":"HS256","typ":"JWT"}""";
    private const long NowSeconds = 1_760_000_000;
    private const string Base64UrlAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    private static readonly byte[] Key = IdentityTokens.SigningKey(Secret);
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(NowSeconds);

    [Fact]
    public void AMintedTokenVerifiesAsTheEndUserItWasMintedFor()
    {
        var user = new EndUser("user-42", "Ada Lovelace", "ada@example.com");

        var token = IdentityTokens.Mint(user, Key, Now, TimeSpan.FromMinutes(10));
        var result = IdentityTokens.Verify(token, Key, Now.AddMinutes(5));

        Assert.Equal(IdentityTokenCheck.Valid, result.Check);
        Assert.True(result.IsValid);
        Assert.Equal(user, result.User);
        Assert.Null(result.Error);
    }

    [Fact]
    public void AMintedTokenWithoutNameOrEmailVerifiesWithNeither()
    {
        var token = IdentityTokens.Mint(new EndUser("user-42", null, null), Key, Now, TimeSpan.FromMinutes(10));
        var result = IdentityTokens.Verify(token, Key, Now);

        Assert.Equal(IdentityTokenCheck.Valid, result.Check);
        Assert.Equal(new EndUser("user-42", null, null), result.User);
        Assert.DoesNotContain("name", DecodePart(token, 1));
        Assert.DoesNotContain("email", DecodePart(token, 1));
    }

    [Fact]
    public void MintedTokensCarryTheStandardHeaderAndWholeSecondTimestamps()
    {
        var token = IdentityTokens.Mint(new EndUser("user-42", null, null), Key, Now.AddMilliseconds(700), TimeSpan.FromSeconds(90));

        Assert.Matches("^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]{43}$", token);
        Assert.Equal(Hs256Header, DecodePart(token, 0));
        using var payload = JsonDocument.Parse(DecodePart(token, 1));
        Assert.Equal("user-42", payload.RootElement.GetProperty("sub").GetString());
        Assert.Equal(NowSeconds, payload.RootElement.GetProperty("iat").GetInt64());
        Assert.Equal(NowSeconds + 90, payload.RootElement.GetProperty("exp").GetInt64());
    }

    [Fact]
    public void AMintedTokenIsWhatAStandardHs256ImplementationWouldSign()
    {
        var token = IdentityTokens.Mint(new EndUser("user-42", null, null), Key, Now, TimeSpan.FromSeconds(60));
        var signingInput = token[..token.LastIndexOf('.')];

        var expected = Base64Url.EncodeToString(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.ASCII.GetBytes(signingInput)));

        Assert.Equal(expected, token[(token.LastIndexOf('.') + 1)..]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(3601)]
    public void MintRefusesALifetimeOutsideOneHour(int seconds)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            IdentityTokens.Mint(new EndUser("user-42", null, null), Key, Now, TimeSpan.FromSeconds(seconds)));
    }

    [Fact]
    public void MintAcceptsAFullHourAndRoundsSubSecondLifetimesUp()
    {
        var hour = IdentityTokens.Mint(new EndUser("user-42", null, null), Key, Now, TimeSpan.FromHours(1));
        var blink = IdentityTokens.Mint(new EndUser("user-42", null, null), Key, Now, TimeSpan.FromMilliseconds(300));

        Assert.Equal(IdentityTokenCheck.Valid, IdentityTokens.Verify(hour, Key, Now).Check);
        Assert.Equal(IdentityTokenCheck.Valid, IdentityTokens.Verify(blink, Key, Now).Check);
        using var payload = JsonDocument.Parse(DecodePart(blink, 1));
        Assert.Equal(NowSeconds + 1, payload.RootElement.GetProperty("exp").GetInt64());
    }

    [Theory]
    [InlineData("", null, null)]
    [InlineData("line\nbreak", null, null)]
    [InlineData("user-42", "name\u0007", null)]
    [InlineData("user-42", null, "x@example.com\r\n")]
    public void MintRefusesAnEndUserThatCouldNotBeVerified(string id, string? name, string? email)
    {
        Assert.Throws<ArgumentException>(() =>
            IdentityTokens.Mint(new EndUser(id, name, email), Key, Now, TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public void MintRefusesANameLongerThan256Characters()
    {
        Assert.Throws<ArgumentException>(() =>
            IdentityTokens.Mint(new EndUser("user-42", new string('n', 257), null), Key, Now, TimeSpan.FromMinutes(1)));
    }

    [Theory]
    [InlineData(0, IdentityTokenCheck.Valid)]
    [InlineData(29, IdentityTokenCheck.Valid)]
    [InlineData(30, IdentityTokenCheck.Valid)]
    [InlineData(31, IdentityTokenCheck.Expired)]
    [InlineData(3600, IdentityTokenCheck.Expired)]
    public void ATokenExpiresThirtySecondsAfterItsExp(int secondsPastExp, IdentityTokenCheck expected)
    {
        var token = Token(Hs256Header, Claims(NowSeconds - 600, NowSeconds));

        var result = IdentityTokens.Verify(token, Key, Now.AddSeconds(secondsPastExp));

        Assert.Equal(expected, result.Check);
    }

    [Fact]
    public void AnExpiredTokenNamesNoUserButSaysWhy()
    {
        var token = IdentityTokens.Mint(new EndUser("user-42", null, null), Key, Now, TimeSpan.FromMinutes(1));

        var result = IdentityTokens.Verify(token, Key, Now.AddMinutes(1).AddSeconds(31));

        Assert.Equal(IdentityTokenCheck.Expired, result.Check);
        Assert.False(result.IsValid);
        Assert.Null(result.User);
        Assert.Contains("expired", Reason(result));
    }

    [Fact]
    public void ExpiryIsJudgedToTheTickNotTheWholeSecond()
    {
        var token = Token(Hs256Header, Claims(NowSeconds - 600, NowSeconds));

        Assert.Equal(IdentityTokenCheck.Valid, IdentityTokens.Verify(token, Key, Now.AddSeconds(30)).Check);
        Assert.Equal(IdentityTokenCheck.Expired, IdentityTokens.Verify(token, Key, Now.AddSeconds(30).AddTicks(1)).Check);
    }

    [Fact]
    public void ATamperedPayloadIsInvalid()
    {
        var token = Token(Hs256Header, Claims(NowSeconds, NowSeconds + 600));
        var parts = token.Split('.');
        var forged = parts[0] + "." + Encode(Claims(NowSeconds, NowSeconds + 600, sub: "admin")) + "." + parts[2];

        var result = IdentityTokens.Verify(forged, Key, Now);

        AssertInvalid(result, "signature");
    }

    [Fact]
    public void AlgNoneIsInvalidWithAnEmptySignature()
    {
        var token = Encode("""{"alg":"none","typ":"JWT"}""") + "." + Encode(Claims(NowSeconds, NowSeconds + 600)) + ".";

        AssertInvalid(IdentityTokens.Verify(token, Key, Now), "algorithm");
    }

    [Fact]
    public void AlgNoneIsInvalidEvenWithAGoodHs256Signature()
    {
        var token = Token("""{"alg":"none","typ":"JWT"}""", Claims(NowSeconds, NowSeconds + 600));

        AssertInvalid(IdentityTokens.Verify(token, Key, Now), "algorithm");
    }

    [Fact]
    public void Hs512SignedWithTheSameKeyIsInvalid()
    {
        var token = Token("""{"alg":"HS512","typ":"JWT"}""", Claims(NowSeconds, NowSeconds + 600), hmac: HMACSHA512.HashData);

        AssertInvalid(IdentityTokens.Verify(token, Key, Now), "algorithm");
    }

    [Fact]
    public void AnRs256HeaderIsInvalid()
    {
        var token = Token("""{"alg":"RS256","typ":"JWT"}""", Claims(NowSeconds, NowSeconds + 600));

        AssertInvalid(IdentityTokens.Verify(token, Key, Now), "algorithm");
    }

    [Theory]
    [InlineData("""{"typ":"JWT"}""", "algorithm")]
    [InlineData("""{"alg":"hs256"}""", "algorithm")]
    [InlineData("""{"alg":"HS384"}""", "algorithm")]
    [InlineData("""{"alg":"HS256 "}""", "algorithm")]
    [InlineData("""{"alg":["HS256"]}""", "algorithm")]
    [InlineData("""{"alg":null}""", "algorithm")]
    [InlineData("""{"alg":"HS256","typ":"JWS"}""", "type")]
    [InlineData("""{"alg":"HS256","typ":1}""", "type")]
    [InlineData("""{"alg":"HS256","crit":["exp"]}""", "critical")]
    [InlineData("""{"alg":"HS256","crit":[]}""", "critical")]
    [InlineData("""{"alg":"HS256","alg":"HS256"}""", "header")]
    public void AHeaderOtherThanPlainHs256IsInvalidEvenWhenCorrectlySigned(string header, string problem)
    {
        var token = Token(header, Claims(NowSeconds, NowSeconds + 600));

        AssertInvalid(IdentityTokens.Verify(token, Key, Now), problem);
    }

    [Theory]
    [InlineData("""{"alg":"HS256"}""")]
    [InlineData("""{"alg":"HS256","typ":"jwt"}""")]
    [InlineData("""{"typ":"JWT","kid":"ignored","alg":"HS256"}""")]
    public void AnHs256HeaderWithoutTypOrWithAnyCaseOfJwtIsAccepted(string header)
    {
        var token = Token(header, Claims(NowSeconds, NowSeconds + 600));

        Assert.Equal(IdentityTokenCheck.Valid, IdentityTokens.Verify(token, Key, Now).Check);
    }

    [Fact]
    public void ATokenSignedWithAnotherSecretIsInvalid()
    {
        var otherKey = IdentityTokens.SigningKey(ApiKeyMaterial.NewSigningSecret());
        var token = Token(Hs256Header, Claims(NowSeconds, NowSeconds + 600), key: otherKey);

        AssertInvalid(IdentityTokens.Verify(token, Key, Now), "signature");
    }

    [Fact]
    public void TheSecretIsTheKeyAsShownNotItsDecodedBytes()
    {
        var token = Token(Hs256Header, Claims(NowSeconds, NowSeconds + 600), key: Base64Url.DecodeFromChars(Secret));

        AssertInvalid(IdentityTokens.Verify(token, Key, Now), "signature");
        Assert.Equal(Encoding.UTF8.GetBytes(Secret), IdentityTokens.SigningKey(Secret));
    }

    [Fact]
    public void AnEmptySigningKeyRefusesEveryToken()
    {
        var token = Token(Hs256Header, Claims(NowSeconds, NowSeconds + 600), key: []);

        AssertInvalid(IdentityTokens.Verify(token, [], Now), "key");
        Assert.Throws<ArgumentException>(() => IdentityTokens.SigningKey(""));
        Assert.Throws<ArgumentException>(() =>
            IdentityTokens.Mint(new EndUser("user-42", null, null), [], Now, TimeSpan.FromMinutes(1)));
    }

    [Theory]
    [InlineData("""{"iat":1760000000,"exp":1760000600}""", "sub")]
    [InlineData("""{"sub":"user-42","exp":1760000600}""", "iat")]
    [InlineData("""{"sub":"user-42","iat":1760000000}""", "exp")]
    public void EachRequiredClaimIsRequired(string payload, string claim)
    {
        var result = IdentityTokens.Verify(Token(Hs256Header, payload), Key, Now);

        AssertInvalid(result, claim);
        Assert.Contains("missing", Reason(result));
    }

    [Theory]
    [InlineData("\"\"")]
    [InlineData("42")]
    [InlineData("null")]
    [InlineData("[\"user-42\"]")]
    [InlineData("\"line\\nbreak\"")]
    [InlineData("\"nul\\u0000\"")]
    [InlineData("\"\\ud800\"")]
    public void ASubThatIsNotPlainNonEmptyTextIsInvalid(string sub)
    {
        var payload = $$"""{"sub":{{sub}},"iat":{{NowSeconds}},"exp":{{NowSeconds + 600}}}""";

        AssertInvalid(IdentityTokens.Verify(Token(Hs256Header, payload), Key, Now), "sub");
    }

    [Fact]
    public void ASubOfUpTo256CharactersIsAccepted()
    {
        var longest = new string('s', 256);

        var accepted = IdentityTokens.Verify(Token(Hs256Header, Claims(NowSeconds, NowSeconds + 600, sub: longest)), Key, Now);
        var refused = IdentityTokens.Verify(Token(Hs256Header, Claims(NowSeconds, NowSeconds + 600, sub: longest + "s")), Key, Now);

        Assert.Equal(longest, accepted.User?.Id);
        AssertInvalid(refused, "sub");
    }

    [Theory]
    [InlineData("name", "42")]
    [InlineData("name", "null")]
    [InlineData("name", "{\"first\":\"Ada\"}")]
    [InlineData("email", "true")]
    [InlineData("email", "[\"ada@example.com\"]")]
    [InlineData("email", "\"ada@example.com\\r\\nBcc: x\"")]
    public void ANameOrEmailThatIsNotAStringIsInvalid(string claim, string json)
    {
        var payload = $$"""{"sub":"user-42","{{claim}}":{{json}},"iat":{{NowSeconds}},"exp":{{NowSeconds + 600}}}""";

        AssertInvalid(IdentityTokens.Verify(Token(Hs256Header, payload), Key, Now), claim);
    }

    [Theory]
    [InlineData("name")]
    [InlineData("email")]
    public void ANameOrEmailLongerThan256CharactersIsInvalid(string claim)
    {
        var payload = $$"""{"sub":"user-42","{{claim}}":"{{new string('x', 257)}}","iat":{{NowSeconds}},"exp":{{NowSeconds + 600}}}""";

        AssertInvalid(IdentityTokens.Verify(Token(Hs256Header, payload), Key, Now), claim);
    }

    [Fact]
    public void EmptyNameAndEmailCountAsAbsentAndOtherClaimsAreIgnored()
    {
        var payload = $$"""{"sub":"user-42","name":"","email":"","iat":{{NowSeconds}},"exp":{{NowSeconds + 600}},"role":"admin","aud":["x"]}""";

        var result = IdentityTokens.Verify(Token(Hs256Header, payload), Key, Now);

        Assert.Equal(new EndUser("user-42", null, null), result.User);
    }

    [Fact]
    public void ALifetimeOfMoreThanAnHourIsInvalid()
    {
        var hour = IdentityTokens.Verify(Token(Hs256Header, Claims(NowSeconds, NowSeconds + 3600)), Key, Now);
        var longer = IdentityTokens.Verify(Token(Hs256Header, Claims(NowSeconds, NowSeconds + 3601)), Key, Now);

        Assert.Equal(IdentityTokenCheck.Valid, hour.Check);
        AssertInvalid(longer, "lifetime");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(-600)]
    public void AnExpThatIsNotAfterIatIsInvalid(int lifetime)
    {
        var result = IdentityTokens.Verify(Token(Hs256Header, Claims(NowSeconds, NowSeconds + lifetime)), Key, Now);

        AssertInvalid(result, "exp");
    }

    [Theory]
    [InlineData(29, IdentityTokenCheck.Valid)]
    [InlineData(30, IdentityTokenCheck.Valid)]
    [InlineData(31, IdentityTokenCheck.Invalid)]
    public void AnIatMoreThanThirtySecondsInTheFutureIsInvalid(int secondsAhead, IdentityTokenCheck expected)
    {
        var result = IdentityTokens.Verify(Token(Hs256Header, Claims(NowSeconds + secondsAhead, NowSeconds + secondsAhead + 600)), Key, Now);

        Assert.Equal(expected, result.Check);
        if (expected == IdentityTokenCheck.Invalid)
        {
            Assert.Contains("iat", Reason(result));
        }
    }

    [Theory]
    [InlineData(30, IdentityTokenCheck.Valid)]
    [InlineData(31, IdentityTokenCheck.Invalid)]
    public void AnNbfMoreThanThirtySecondsAheadIsNotYetValid(int secondsAhead, IdentityTokenCheck expected)
    {
        var payload = $$"""{"sub":"user-42","iat":{{NowSeconds}},"nbf":{{NowSeconds + secondsAhead}},"exp":{{NowSeconds + 600}}}""";

        var result = IdentityTokens.Verify(Token(Hs256Header, payload), Key, Now);

        Assert.Equal(expected, result.Check);
        if (expected == IdentityTokenCheck.Invalid)
        {
            Assert.Contains("nbf", Reason(result));
        }
    }

    [Theory]
    [InlineData("\"1760000000\"", "1760000600")]
    [InlineData("1760000000", "\"1760000600\"")]
    [InlineData("1760000000", "null")]
    [InlineData("1760000000", "true")]
    [InlineData("1760000000", "1760000600.5")]
    [InlineData("-1", "599")]
    [InlineData("1760000000", "1e400")]
    [InlineData("1760000000", "253402300800")]
    public void ATimestampThatIsNotWholeSecondsWrittenAsANumberIsInvalid(string iat, string exp)
    {
        var payload = $$"""{"sub":"user-42","iat":{{iat}},"exp":{{exp}}}""";

        var result = IdentityTokens.Verify(Token(Hs256Header, payload), Key, Now);

        Assert.Equal(IdentityTokenCheck.Invalid, result.Check);
        Assert.Matches("iat|exp", Reason(result));
    }

    [Theory]
    [InlineData("1760000000.0", "1760000600")]
    [InlineData("1.76e9", "1760000600.000")]
    [InlineData("1760000000", "17600006E2")]
    public void WholeSecondsInAnyNumberNotationAreAccepted(string iat, string exp)
    {
        var payload = $$"""{"sub":"user-42","iat":{{iat}},"exp":{{exp}}}""";

        Assert.Equal(IdentityTokenCheck.Valid, IdentityTokens.Verify(Token(Hs256Header, payload), Key, Now).Check);
    }

    [Theory]
    [InlineData("""{"sub":"user-42","sub":"admin","iat":1760000000,"exp":1760000600}""")]
    [InlineData("""{"sub":"user-42","\u0073ub":"admin","iat":1760000000,"exp":1760000600}""")]
    [InlineData("""{"sub":"user-42","iat":1760000000,"exp":1760000600,"exp":1760003600}""")]
    public void DuplicateClaimsAreInvalid(string payload)
    {
        AssertInvalid(IdentityTokens.Verify(Token(Hs256Header, payload), Key, Now), "payload");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("abc.def")]
    [InlineData("abc.def.ghi.jkl")]
    [InlineData("..")]
    public void ATokenThatIsNotThreePartsIsInvalid(string? token)
    {
        var result = IdentityTokens.Verify(token, Key, Now);

        Assert.Equal(IdentityTokenCheck.Invalid, result.Check);
        Assert.NotEmpty(Reason(result));
    }

    [Fact]
    public void AFourPartTokenWithAGoodSignatureIsInvalid()
    {
        var token = Token(Hs256Header, Claims(NowSeconds, NowSeconds + 600));

        AssertInvalid(IdentityTokens.Verify(token + ".extra", Key, Now), "three");
    }

    [Theory]
    [InlineData(0, "+")]
    [InlineData(1, "/")]
    [InlineData(2, "=")]
    [InlineData(1, " ")]
    [InlineData(2, "!")]
    [InlineData(0, "é")]
    public void APartThatIsNotUnpaddedBase64UrlIsInvalid(int part, string appended)
    {
        var parts = Token(Hs256Header, Claims(NowSeconds, NowSeconds + 600)).Split('.');
        parts[part] += appended;

        AssertInvalid(IdentityTokens.Verify(string.Join('.', parts), Key, Now), "base64url");
    }

    [Fact]
    public void ASignatureWithNonCanonicalTrailingBitsIsInvalid()
    {
        var token = Token(Hs256Header, Claims(NowSeconds, NowSeconds + 600));
        var last = token[^1];

        // 43 characters carry 258 bits for a 256-bit MAC; flipping the spare low bit names the same bytes.
        var twin = token[..^1] + Base64UrlAlphabet[Base64UrlAlphabet.IndexOf(last) ^ 1];

        Assert.Equal(IdentityTokenCheck.Valid, IdentityTokens.Verify(token, Key, Now).Check);
        Assert.Equal(IdentityTokenCheck.Invalid, IdentityTokens.Verify(twin, Key, Now).Check);
    }

    [Fact]
    public void AHugeTokenIsInvalidEvenWhenCorrectlySigned()
    {
        var payload = $$"""{"sub":"user-42","iat":{{NowSeconds}},"exp":{{NowSeconds + 600}},"padding":"{{new string('p', 8192)}}"}""";
        var token = Token(Hs256Header, payload);

        var result = IdentityTokens.Verify(token, Key, Now);

        Assert.True(token.Length > IdentityTokens.MaxTokenLength);
        AssertInvalid(result, "longer");
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("\"user-42\"")]
    [InlineData("1760000000")]
    [InlineData("null")]
    [InlineData("not json")]
    [InlineData("")]
    [InlineData("""{"sub":"user-42","iat":1760000000,"exp":1760000600}trailing""")]
    public void APayloadThatIsNotAJsonObjectIsInvalid(string payload)
    {
        AssertInvalid(IdentityTokens.Verify(Token(Hs256Header, payload), Key, Now), "payload");
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("\"HS256\"")]
    [InlineData("not json")]
    public void AHeaderThatIsNotAJsonObjectIsInvalid(string header)
    {
        AssertInvalid(IdentityTokens.Verify(Token(header, Claims(NowSeconds, NowSeconds + 600)), Key, Now), "header");
    }

    [Fact]
    public void ATokenSignedByNodeCryptoAsJsonwebtokenDoesVerifies()
    {
        // Signed outside .NET: Node's crypto.createHmac("sha256", secret) over the base64url header and payload,
        // which is how jsonwebtoken signs HS256 with a string secret.
        const string token =
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
            + ".eyJzdWIiOiJ1c2VyLTQyIiwibmFtZSI6IkFkYSBMb3ZlbGFjZSIsImVtYWlsIjoiYWRhQGV4YW1wbGUuY29tIiwiaWF0IjoxNzYwMDAwMDAwLCJleHAiOjE3NjAwMDA2MDB9"
            + ".hsw6hro55unPRDpeMJT1m0q-5lAE5ZmnTHZ2Q0D593I";

        var result = IdentityTokens.Verify(token, IdentityTokens.SigningKey(Secret), DateTimeOffset.FromUnixTimeSeconds(1_760_000_100));

        Assert.Equal(IdentityTokenCheck.Valid, result.Check);
        Assert.Equal(new EndUser("user-42", "Ada Lovelace", "ada@example.com"), result.User);
    }

    [Fact]
    public void TheJwtIoExampleTokenPassesTheSignatureCheckAndFailsOnlyForItsMissingExp()
    {
        // The example on jwt.io, signed with the string "your-256-bit-secret"; its payload is
        // {"sub":"1234567890","name":"John Doe","iat":1516239022} and has no exp.
        const string token =
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
            + ".eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ"
            + ".SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";

        var rightSecret = IdentityTokens.Verify(token, IdentityTokens.SigningKey("your-256-bit-secret"), DateTimeOffset.FromUnixTimeSeconds(1_516_239_022));
        var wrongSecret = IdentityTokens.Verify(token, IdentityTokens.SigningKey("your-256-bit-secreT"), DateTimeOffset.FromUnixTimeSeconds(1_516_239_022));

        AssertInvalid(rightSecret, "exp");
        Assert.Contains("missing", Reason(rightSecret));
        Assert.DoesNotContain("signature", Reason(rightSecret));
        AssertInvalid(wrongSecret, "signature");
    }

    [Fact]
    public void ProblemsNeverQuoteTheTokenOrItsClaims()
    {
        var sub = "secret-subject-" + Guid.NewGuid().ToString("N");
        var tokens = new[]
        {
            Token(Hs256Header, Claims(NowSeconds, NowSeconds + 3601, sub: sub)),
            Token(Hs256Header, Claims(NowSeconds, NowSeconds + 600, sub: sub), key: [1, 2, 3]),
            Token("""{"alg":"none"}""", Claims(NowSeconds, NowSeconds + 600, sub: sub)),
            Token(Hs256Header, $$"""{"sub":"{{sub}}","name":"{{new string('n', 300)}}","iat":{{NowSeconds}},"exp":{{NowSeconds + 600}}}"""),
        };

        Assert.All(tokens, token =>
        {
            var problem = Reason(IdentityTokens.Verify(token, Key, Now));
            Assert.DoesNotContain(sub, problem);
            Assert.DoesNotContain(Encode(Hs256Header), problem);
            Assert.True(problem.Length < 80, problem);
        });
    }

    [Fact]
    public void EveryKindOfRefusalIsWordedAndNoTwoKindsReadAlike()
    {
        var messages = Enum.GetValues<IdentityTokenProblem>()
            .Select(problem => IdentityTokenMessages.Describe(new IdentityTokenError(problem, "sub")))
            .ToList();

        Assert.All(messages, message => Assert.False(string.IsNullOrWhiteSpace(message)));
        Assert.Equal(messages.Count, messages.Distinct().Count());
    }

    [Theory]
    [InlineData(IdentityTokenProblem.ClaimMissing, "exp", "the exp claim is missing")]
    [InlineData(IdentityTokenProblem.ClaimNotString, "name", "the name claim must be a string")]
    [InlineData(IdentityTokenProblem.ClaimNotText, "sub", "the sub claim is not valid text")]
    [InlineData(IdentityTokenProblem.ClaimEmpty, "sub", "the sub claim is empty")]
    [InlineData(IdentityTokenProblem.ClaimTooLong, "email", "the email claim is longer than 256 characters")]
    [InlineData(IdentityTokenProblem.ClaimHasControlCharacters, "email", "the email claim contains control characters")]
    [InlineData(IdentityTokenProblem.ClaimNotNumber, "iat", "the iat claim must be a number")]
    [InlineData(IdentityTokenProblem.ClaimOutOfRange, "exp", "the exp claim is out of range")]
    [InlineData(IdentityTokenProblem.ClaimNotWholeSeconds, "exp", "the exp claim must be whole seconds")]
    public void ARefusalAboutOneClaimNamesThatClaim(IdentityTokenProblem problem, string claim, string expected)
    {
        Assert.Equal(expected, IdentityTokenMessages.Describe(new IdentityTokenError(problem, claim)));
    }

    [Fact]
    public void TheApiSaysWhyATokenWasRefusedInsideItsUsualSentence()
    {
        var result = IdentityTokens.Verify(Token(Hs256Header, Claims(NowSeconds, NowSeconds + 3601)), Key, Now);

        var error = ApiErrors.IdentityTokenInvalid(result.Error);

        Assert.Equal(
            "The identity token was refused: the lifetime is longer than 3600 seconds. Sign it on your server with this API key's signing secret (HS256, claims sub, iat and exp at most one hour apart).",
            error.Message);
    }

    private static void AssertInvalid(IdentityTokenVerification result, string problemMentions)
    {
        Assert.Equal(IdentityTokenCheck.Invalid, result.Check);
        Assert.False(result.IsValid);
        Assert.Null(result.User);
        Assert.Contains(problemMentions, Reason(result), StringComparison.OrdinalIgnoreCase);
    }

    // The words the API's 401 would carry for this refusal.
    private static string Reason(IdentityTokenVerification result)
    {
        Assert.NotNull(result.Error);
        return IdentityTokenMessages.Describe(result.Error);
    }

    private static string Token(string headerJson, string payloadJson, byte[]? key = null, Func<byte[], byte[], byte[]>? hmac = null) =>
        HandMadeTokens.Sign(headerJson, payloadJson, key ?? Key, hmac);

    private static string Claims(long iat, long exp, string sub = "user-42") => HandMadeTokens.Claims(iat, exp, sub);

    private static string Encode(string json) => HandMadeTokens.Encode(json);

    private static string DecodePart(string token, int index) =>
        Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token.Split('.')[index]));
}
