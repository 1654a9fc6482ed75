using System.Net;
using System.Text.Json.Nodes;

namespace Mentiora.Tests.Infrastructure;

/// <summary>Checks an API answer the way an SDK reads it.</summary>
public static class ApiAssert
{
    /// <summary>Asserts the status and the error code, and that the body has exactly the SDKs' error shape; returns the error object.</summary>
    public static async Task<JsonObject> Error(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {(int)status} {code}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var body = JsonNode.Parse(text)!.AsObject();
        var error = body["error"]!.AsObject();
        Assert.Equal(code, (string?)error["code"]);
        Assert.False(string.IsNullOrWhiteSpace((string?)error["message"]), "every error has a message");
        return error;
    }
}
