using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Mentiora.Tests.Infrastructure;

/// <summary>Checks an API answer the way an SDK reads it.</summary>
public static partial class ApiAssert
{
    // Words that tell the reader what to do next; a refusal message without one only says what went wrong.
    [GeneratedRegex(@"\b(send|check|use|add|create|retry|fetch|sign|wait|set|fix|copy|call|escape)\b", RegexOptions.IgnoreCase)]
    private static partial Regex WhatToDo();

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
        StandsAlone((string)error["message"]!);
        return error;
    }

    /// <summary>
    /// Asserts a message reads well where the SDKs print it, alone on one log line after
    /// "Client error: Unauthorized: [code] ": no line break, whole sentences, and what to do.
    /// </summary>
    public static void StandsAlone(string message)
    {
        Assert.False(message.Contains('\n') || message.Contains('\r'), $"the message is one line: {message}");
        Assert.True(message == message.Trim(), $"the message has no surrounding whitespace: '{message}'");
        Assert.True((char.IsUpper(message[0]) || char.IsDigit(message[0])) && message.EndsWith('.'), $"the message is whole sentences: {message}");
        Assert.True(WhatToDo().IsMatch(message), $"the message says what to do: {message}");
        Assert.DoesNotContain("details", message, StringComparison.OrdinalIgnoreCase);
    }
}
