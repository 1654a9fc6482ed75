using System.Text.Json;
using Mentiora.Grains.Keys;
using Mentiora.Grains.Projects;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Mentiora.Web.Api;

/// <summary>
/// Signs identity tokens for customers who would rather not sign JWTs themselves: their server
/// calls this with the secret API key, and hands the token to its signed-in user's browser.
/// </summary>
[Route("api/v1/identity-tokens")]
[Authorize(AuthenticationSchemes = ApiKeyAuthenticationHandler.SchemeName, Policy = SecretKeyPolicy.Name)]
public sealed class IdentityTokensController(IGrainFactory grains, GrainCallRetry retry) : ControllerBase
{
    /// <summary>Lifetime of a token when the request names none.</summary>
    public const int DefaultTtlSeconds = 900;

    // A user id, a name and an email fit in far less; anything bigger is not a mint request.
    private const long BodyLimit = 16 * 1024;

    /// <summary>Mints a token for the end user in the body.</summary>
    [HttpPost]
    public async Task<IActionResult> Post(CancellationToken cancellationToken)
    {
        if (!JsonRequest.IsJson(Request.ContentType))
        {
            return ApiErrors.UnsupportedMediaType(Request.ContentType).ToResult();
        }

        var body = await JsonRequest.ReadBodyAsync(HttpContext, BodyLimit, cancellationToken);
        if (body is null)
        {
            return ApiErrors.PayloadTooLarge(BodyLimit).ToResult();
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body.WrittenMemory, new JsonDocumentOptions { AllowDuplicateProperties = false });
        }
        catch (JsonException)
        {
            return ApiErrors.InvalidJson($"The request body is not valid JSON. Send a JSON object like {{\"user_id\": \"user-123\"}}.").ToResult();
        }

        using (document)
        {
            var (user, ttl, problems) = Read(document.RootElement);
            if (problems.Count > 0)
            {
                return ApiErrors.InvalidRequest($"The identity token request is invalid: {FieldProblems.Summarize(problems)}. Fix it and send it again.", problems).ToResult();
            }

            var key = User.ApiKey();
            // Safe to retry: a rejected call never ran, and minting stores nothing (a token nobody received is just unused).
            var minted = await retry.CallAsync("project", () => grains.GetGrain<IProjectApiGrain>(key.ProjectId).MintIdentityToken(key.KeyId, user!, TimeSpan.FromSeconds(ttl)));
            if (minted is null)
            {
                return ApiErrors.InvalidApiKey(ApiErrors.RevokedWhileHandled).ToResult();
            }

            return Ok(new IdentityTokenMinted(minted.Token.Reveal(), minted.ExpiresAt));
        }
    }

    private static (EndUser? User, int Ttl, Dictionary<string, string> Problems) Read(JsonElement root)
    {
        var problems = new Dictionary<string, string>(StringComparer.Ordinal);
        if (root.ValueKind != JsonValueKind.Object)
        {
            problems["body"] = "must be a JSON object like {\"user_id\": \"user-123\"}.";
            return (null, 0, problems);
        }

        var userId = Text(root, "user_id", required: true, problems);
        var name = Text(root, "name", required: false, problems);
        var email = Text(root, "email", required: false, problems);
        var ttl = DefaultTtlSeconds;
        if (root.TryGetProperty("ttl_seconds", out var ttlValue) && ttlValue.ValueKind != JsonValueKind.Null
            && (!ttlValue.TryGetInt32(out ttl) || ttl is < 1 or > IdentityTokens.MaxLifetimeSeconds))
        {
            problems["ttl_seconds"] = $"must be a whole number of seconds from 1 to {IdentityTokens.MaxLifetimeSeconds}.";
        }

        return (problems.Count == 0 ? new EndUser(userId!, name, email) : null, ttl, problems);
    }

    private static string? Text(JsonElement root, string field, bool required, Dictionary<string, string> problems)
    {
        if (!root.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            if (required)
            {
                problems[field] = "is required: your user's id, a string.";
            }

            return null;
        }

        var text = value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        if (text is null || text.Length > IdentityTokens.MaxClaimLength || (required && text.Length == 0) || text.Any(char.IsControl))
        {
            problems[field] = $"must be a string of {(required ? 1 : 0)} to {IdentityTokens.MaxClaimLength} characters without control characters.";
            return null;
        }

        return text.Length == 0 ? null : text;
    }
}
