using System.Buffers;
using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Mentiora.Grains.Keys;

/// <summary>Verifies and mints, with Microsoft.IdentityModel, the HS256 JWTs in which a customer's server vouches for its signed-in end users.</summary>
public static class IdentityTokens
{
    /// <summary>Longest lifetime, <c>exp - iat</c>, a token may claim.</summary>
    public const int MaxLifetimeSeconds = 3600;

    /// <summary>How far the customer's clock may drift from ours before <c>iat</c> or <c>exp</c> count against a token.</summary>
    public const int ClockLeewaySeconds = 30;

    /// <summary>Longest token considered at all; real tokens are a few hundred characters.</summary>
    public const int MaxTokenLength = 8192;

    /// <summary>Longest <c>sub</c>, <c>name</c> or <c>email</c> accepted, in UTF-16 code units.</summary>
    public const int MaxClaimLength = 256;

    // The shortest HMAC key the library accepts for HS256: 256 bits.
    private const int MinimumHmacKeyBytes = 32;

    // 9999-12-31T23:59:59Z, the last second DateTimeOffset can hold; bounding iat and exp by it
    // also keeps the tick arithmetic below from overflowing.
    private const long MaxUnixSeconds = 253_402_300_799;

    // Duplicate claims are refused because two parsers could each pick a different "sub".
    private static readonly JsonDocumentOptions JsonOptions = new() { AllowDuplicateProperties = false };

    private static readonly JsonWebTokenHandler Handler = new();

    // Minted tokens carry exactly iat and exp, no nbf the library would otherwise add.
    private static readonly JsonWebTokenHandler MintingHandler = new() { SetDefaultTimesOnTokenCreation = false };

    /// <summary>Checks a token's form, algorithm and signature, then its claims, and says whose it is.</summary>
    public static IdentityTokenVerification Verify(string? token, ReadOnlySpan<byte> signingKey, DateTimeOffset now)
    {
        // An empty key would let anyone sign; treat a missing secret as a refusal, not as a key.
        if (signingKey.IsEmpty)
        {
            return IdentityTokenVerification.Invalid(IdentityTokenProblem.NoSigningKey);
        }

        if (FormProblem(token, out var payload) is { } formProblem)
        {
            return IdentityTokenVerification.Invalid(formProblem);
        }

        // The library judges the signature, the algorithm and the lifetime; our own rules about
        // the claims follow, and also decide the reason when the library refused the lifetime,
        // so a malformed claim is reported as such rather than as a generic refusal.
        // With a fixed key and no configuration manager the library never awaits anything, so the
        // task is already complete and waiting on it blocks no thread.
        var parameters = ValidationParameters(signingKey, now);
        var outcome = Handler.ValidateTokenAsync(token, parameters).GetAwaiter().GetResult();
        if (outcome.IsValid)
        {
            return CheckClaims(payload, now) ?? IdentityTokenVerification.Valid(ReadUser(payload));
        }

        return outcome.Exception switch
        {
            SecurityTokenInvalidAlgorithmException => IdentityTokenVerification.Invalid(IdentityTokenProblem.AlgorithmNotHs256),
            SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException =>
                IdentityTokenVerification.Invalid(IdentityTokenProblem.SignatureMismatch),
            SecurityTokenExpiredException => CheckClaims(payload, now) ?? IdentityTokenVerification.Expired(),
            SecurityTokenNotYetValidException => CheckClaims(payload, now) ?? IdentityTokenVerification.Invalid(IdentityTokenProblem.NotYetValid),
            _ => CheckClaims(payload, now) ?? IdentityTokenVerification.Invalid(IdentityTokenProblem.ClaimsNotAcceptable),
        };
    }

    /// <summary>Creates a token for the end user, issued now and valid for the lifetime, signed with HS256.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The lifetime is not within (0, 1 hour], or now is outside the representable range.</exception>
    /// <exception cref="ArgumentException">The key is empty, or the user's fields would not pass <see cref="Verify"/>.</exception>
    public static string Mint(EndUser user, ReadOnlySpan<byte> signingKey, DateTimeOffset now, TimeSpan lifetime)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (signingKey.IsEmpty)
        {
            throw new ArgumentException("A signing key is required.", nameof(signingKey));
        }

        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lifetime, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(lifetime, TimeSpan.FromSeconds(MaxLifetimeSeconds));

        // A token this method makes must never be one Verify refuses.
        var userProblem = TextProblem("sub", user.Id, required: true)
            ?? (user.Name is null ? null : TextProblem("name", user.Name, required: false))
            ?? (user.Email is null ? null : TextProblem("email", user.Email, required: false));
        if (userProblem is not null)
        {
            throw new ArgumentException($"The end user cannot be put in a token: its {userProblem.Claim} claim breaks {userProblem.Problem}.", nameof(user));
        }

        var issuedAt = now.ToUnixTimeSeconds();
        if (issuedAt < 0 || issuedAt > MaxUnixSeconds - MaxLifetimeSeconds)
        {
            throw new ArgumentOutOfRangeException(nameof(now), now, "The time cannot be written as a token timestamp.");
        }

        // Rounded up so a sub-second lifetime still yields exp > iat, which Verify requires.
        var lifetimeSeconds = (lifetime.Ticks + TimeSpan.TicksPerSecond - 1) / TimeSpan.TicksPerSecond;

        var claims = new Dictionary<string, object> { ["sub"] = user.Id };
        if (!string.IsNullOrEmpty(user.Name))
        {
            claims["name"] = user.Name;
        }

        if (!string.IsNullOrEmpty(user.Email))
        {
            claims["email"] = user.Email;
        }

        return MintingHandler.CreateToken(new SecurityTokenDescriptor
        {
            Claims = claims,
            IssuedAt = DateTime.UnixEpoch.AddSeconds(issuedAt),
            Expires = DateTime.UnixEpoch.AddSeconds(issuedAt + lifetimeSeconds),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(HmacKey(signingKey)), SecurityAlgorithms.HmacSha256),
        });
    }

    /// <summary>The HMAC key for a signing secret: the UTF-8 bytes of the secret exactly as shown, as JWT libraries use a string secret.</summary>
    public static byte[] SigningKey(string signingSecret)
    {
        ArgumentException.ThrowIfNullOrEmpty(signingSecret);
        return Encoding.UTF8.GetBytes(signingSecret);
    }

    private static TokenValidationParameters ValidationParameters(ReadOnlySpan<byte> signingKey, DateTimeOffset now) => new()
    {
        // Only HS256, so "none", a stronger HMAC or a public-key algorithm can never be used to
        // pass off a token the secret did not sign.
        ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        IssuerSigningKey = new SymmetricSecurityKey(HmacKey(signingKey)),
        RequireSignedTokens = true,
        RequireExpirationTime = true,
        ValidateLifetime = true,
        ClockSkew = TimeSpan.FromSeconds(ClockLeewaySeconds),

        // The customer's server is the only issuer and the project the only audience; the key says both.
        ValidateIssuer = false,
        ValidateAudience = false,

        // The library reads exp and nbf; they are compared with the caller's instant because its
        // own clock (TokenValidationParameters.TimeProvider) is not public in this version.
        LifetimeValidator = (notBefore, expires, _, parameters) => LifetimeHolds(notBefore, expires, parameters.ClockSkew, now),
    };

    // The library's own lifetime rules (exp required, exp and nbf each given the clock skew),
    // throwing its exceptions so Verify tells expired from not-yet-valid as it would.
    private static bool LifetimeHolds(DateTime? notBefore, DateTime? expires, TimeSpan skew, DateTimeOffset now)
    {
        var utcNow = now.UtcDateTime;
        if (expires is not { } expiresAt)
        {
            throw new SecurityTokenNoExpirationException("the token has no exp");
        }

        if (expiresAt < utcNow - skew)
        {
            throw new SecurityTokenExpiredException("the token has expired") { Expires = expiresAt };
        }

        if (notBefore is { } notBeforeAt && notBeforeAt > utcNow + skew)
        {
            throw new SecurityTokenNotYetValidException("nbf is in the future") { NotBefore = notBeforeAt };
        }

        return true;
    }

    // HMAC zero-pads any key shorter than its 64-byte block, so padding a short key to the
    // library's 256-bit minimum yields the very same MACs: secrets people already configured
    // (and tokens their servers already sign) keep working, byte for byte.
    private static byte[] HmacKey(ReadOnlySpan<byte> signingKey)
    {
        var key = new byte[Math.Max(signingKey.Length, MinimumHmacKeyBytes)];
        signingKey.CopyTo(key);
        return key;
    }

    // Returns what is wrong with the token's shape, or null with its decoded payload. The library
    // reads tokens more leniently (padding, repeated header members, crit), so these checks stay
    // ours and give each token exactly one spelling.
    private static IdentityTokenError? FormProblem(string? token, out byte[] payload)
    {
        payload = [];
        if (string.IsNullOrEmpty(token))
        {
            return new IdentityTokenError(IdentityTokenProblem.Empty);
        }

        // Checked before any decoding so an oversized input costs nothing but a length comparison.
        if (token.Length > MaxTokenLength)
        {
            return new IdentityTokenError(IdentityTokenProblem.TooLong);
        }

        var firstDot = token.IndexOf('.');
        var lastDot = token.LastIndexOf('.');
        if (firstDot < 0 || firstDot == lastDot || token.IndexOf('.', firstDot + 1) != lastDot)
        {
            return new IdentityTokenError(IdentityTokenProblem.NotThreeParts);
        }

        if (!TryDecode(token.AsSpan(0, firstDot), out var header)
            || !TryDecode(token.AsSpan(firstDot + 1, lastDot - firstDot - 1), out payload)
            || !TryDecode(token.AsSpan(lastDot + 1), out _))
        {
            return new IdentityTokenError(IdentityTokenProblem.NotBase64Url);
        }

        if (HeaderProblem(header) is { } headerProblem)
        {
            return headerProblem;
        }

        using var document = ParseObject(payload, IdentityTokenProblem.PayloadNotJson, IdentityTokenProblem.PayloadNotObject, out var payloadProblem);
        return document is null ? payloadProblem : null;
    }

    private static bool TryDecode(ReadOnlySpan<char> part, out byte[] bytes)
    {
        bytes = [];

        // .NET's decoder skips whitespace and accepts padding, neither of which a JWT may contain;
        // refusing them leaves each token exactly one spelling.
        foreach (var c in part)
        {
            if (!IsBase64UrlChar(c))
            {
                return false;
            }
        }

        var buffer = new byte[Base64Url.GetMaxDecodedLength(part.Length)];
        if (Base64Url.DecodeFromChars(part, buffer, out _, out var written) != OperationStatus.Done)
        {
            return false;
        }

        bytes = buffer.AsSpan(0, written).ToArray();
        return true;
    }

    private static bool IsBase64UrlChar(char c) =>
        c is (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_';

    private static IdentityTokenError? HeaderProblem(byte[] header)
    {
        using var document = ParseObject(header, IdentityTokenProblem.HeaderNotJson, IdentityTokenProblem.HeaderNotObject, out var parseProblem);
        if (document is null)
        {
            return parseProblem;
        }

        var root = document.RootElement;

        // Only HS256 is accepted, so "none", a stronger HMAC or a public-key algorithm can never
        // be used to pass off a token the secret did not sign.
        if (!root.TryGetProperty("alg", out var alg) || alg.ValueKind != JsonValueKind.String || !alg.ValueEquals("HS256"))
        {
            return new IdentityTokenError(IdentityTokenProblem.AlgorithmNotHs256);
        }

        if (root.TryGetProperty("typ", out var typ)
            && (ReadString(typ, out var typValue) is not null || !string.Equals(typValue, "JWT", StringComparison.OrdinalIgnoreCase)))
        {
            return new IdentityTokenError(IdentityTokenProblem.TypeNotJwt);
        }

        // RFC 7515 requires refusing a critical extension one does not understand, and we understand none.
        if (root.TryGetProperty("crit", out _))
        {
            return new IdentityTokenError(IdentityTokenProblem.CriticalHeader);
        }

        return null;
    }

    // Returns the refusal our own claim rules give, or null when the claims are acceptable;
    // expiry and nbf are the library's to judge.
    private static IdentityTokenVerification? CheckClaims(byte[] payload, DateTimeOffset now)
    {
        using var document = ParseObject(payload, IdentityTokenProblem.PayloadNotJson, IdentityTokenProblem.PayloadNotObject, out var parseProblem);
        if (document is null)
        {
            return IdentityTokenVerification.Invalid(parseProblem!);
        }

        // Every claim is read before any is judged; the first problem found, in claim order, is reported.
        var claims = document.RootElement;
        var subProblem = ReadRequiredText(claims, "sub", out _);
        var nameProblem = ReadOptionalText(claims, "name", out _);
        var emailProblem = ReadOptionalText(claims, "email", out _);
        var issuedAtProblem = ReadSeconds(claims, "iat", out var issuedAt);
        var expiresAtProblem = ReadSeconds(claims, "exp", out var expiresAt);
        if ((subProblem ?? nameProblem ?? emailProblem ?? issuedAtProblem ?? expiresAtProblem) is { } problem)
        {
            return IdentityTokenVerification.Invalid(problem);
        }

        if (expiresAt <= issuedAt)
        {
            return IdentityTokenVerification.Invalid(IdentityTokenProblem.ExpiresBeforeIssued);
        }

        if (expiresAt - issuedAt > MaxLifetimeSeconds)
        {
            return IdentityTokenVerification.Invalid(IdentityTokenProblem.LifetimeTooLong);
        }

        // Ticks rather than whole seconds, so "now" is not rounded in the token's favour.
        var nowTicks = now.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        var leewayTicks = ClockLeewaySeconds * TimeSpan.TicksPerSecond;
        if (issuedAt * TimeSpan.TicksPerSecond > nowTicks + leewayTicks)
        {
            return IdentityTokenVerification.Invalid(IdentityTokenProblem.IssuedInFuture);
        }

        return null;
    }

    // Only called once CheckClaims found nothing wrong, so every read succeeds.
    private static EndUser ReadUser(byte[] payload)
    {
        using var document = JsonDocument.Parse(payload, JsonOptions);
        var claims = document.RootElement;
        ReadRequiredText(claims, "sub", out var sub);
        ReadOptionalText(claims, "name", out var name);
        ReadOptionalText(claims, "email", out var email);
        return new EndUser(sub, name, email);
    }

    // Returns null, and sets the problem, unless the bytes are a single JSON object with unique property names.
    private static JsonDocument? ParseObject(byte[] json, IdentityTokenProblem notJson, IdentityTokenProblem notObject, out IdentityTokenError? problem)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, JsonOptions);
        }
        catch (JsonException)
        {
            problem = new IdentityTokenError(notJson);
            return null;
        }

        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            problem = new IdentityTokenError(notObject);
            return null;
        }

        problem = null;
        return document;
    }

    // Returns what is wrong with the value, or null; the caller names the claim.
    private static IdentityTokenProblem? ReadString(JsonElement element, out string value)
    {
        value = string.Empty;
        if (element.ValueKind != JsonValueKind.String)
        {
            return IdentityTokenProblem.ClaimNotString;
        }

        try
        {
            value = element.GetString() ?? string.Empty;
            return null;
        }
        catch (InvalidOperationException)
        {
            // Thrown for escapes such as a lone \ud800 that decode to no valid text.
            return IdentityTokenProblem.ClaimNotText;
        }
    }

    private static IdentityTokenError? ReadRequiredText(JsonElement claims, string claim, out string value)
    {
        value = string.Empty;
        if (!claims.TryGetProperty(claim, out var element))
        {
            return new IdentityTokenError(IdentityTokenProblem.ClaimMissing, claim);
        }

        if (ReadString(element, out value) is { } problem)
        {
            return new IdentityTokenError(problem, claim);
        }

        return TextProblem(claim, value, required: true);
    }

    private static IdentityTokenError? ReadOptionalText(JsonElement claims, string claim, out string? value)
    {
        value = null;
        if (!claims.TryGetProperty(claim, out var element))
        {
            return null;
        }

        if (ReadString(element, out var text) is { } problem)
        {
            return new IdentityTokenError(problem, claim);
        }

        // An empty name or address says nothing, so it is kept as absent rather than shown blank.
        value = text.Length == 0 ? null : text;
        return TextProblem(claim, text, required: false);
    }

    private static IdentityTokenError? TextProblem(string claim, string text, bool required)
    {
        if (required && text.Length == 0)
        {
            return new IdentityTokenError(IdentityTokenProblem.ClaimEmpty, claim);
        }

        if (text.Length > MaxClaimLength)
        {
            return new IdentityTokenError(IdentityTokenProblem.ClaimTooLong, claim);
        }

        // These values end up in logs and on pages, where control characters could forge lines or hide text.
        foreach (var c in text)
        {
            if (char.IsControl(c))
            {
                return new IdentityTokenError(IdentityTokenProblem.ClaimHasControlCharacters, claim);
            }
        }

        return null;
    }

    private static IdentityTokenError? ReadSeconds(JsonElement claims, string claim, out long seconds)
    {
        seconds = 0;
        if (!claims.TryGetProperty(claim, out var element))
        {
            return new IdentityTokenError(IdentityTokenProblem.ClaimMissing, claim);
        }

        if (element.ValueKind != JsonValueKind.Number)
        {
            return new IdentityTokenError(IdentityTokenProblem.ClaimNotNumber, claim);
        }

        if (!element.TryGetInt64(out seconds))
        {
            // Some encoders write whole numbers as 1.7e9 or 1700000000.0; decimal holds those exactly.
            if (!element.TryGetDecimal(out var value) || value < 0 || value > MaxUnixSeconds)
            {
                return new IdentityTokenError(IdentityTokenProblem.ClaimOutOfRange, claim);
            }

            if (decimal.Truncate(value) != value)
            {
                return new IdentityTokenError(IdentityTokenProblem.ClaimNotWholeSeconds, claim);
            }

            seconds = (long)value;
        }

        if (seconds < 0 || seconds > MaxUnixSeconds)
        {
            return new IdentityTokenError(IdentityTokenProblem.ClaimOutOfRange, claim);
        }

        return null;
    }
}
