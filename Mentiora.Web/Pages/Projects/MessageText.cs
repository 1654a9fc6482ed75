using System.Text.Json;

namespace Mentiora.Web.Pages.Projects;

/// <summary>
/// The text of a span's input or output as a person reads a conversation: plain strings as they
/// are, chat messages ({role, content}, alone or in an array) as "role: content" lines, anything
/// else as its compact JSON.
/// </summary>
public static class MessageText
{
    /// <summary>The readable text of <paramref name="value"/>.</summary>
    public static string From(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Array => string.Join("\n", value.EnumerateArray().Select(From)),
        JsonValueKind.Object when Message(value) is { } line => line,
        JsonValueKind.Object when value.TryGetProperty("messages", out var messages) && messages.ValueKind == JsonValueKind.Array => From(messages),
        JsonValueKind.Object when value.TryGetProperty("content", out var content) => Content(content),
        JsonValueKind.Object when value.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String => text.GetString()!,
        _ => value.GetRawText(),
    };

    private static string? Message(JsonElement value) =>
        value.TryGetProperty("role", out var role) && role.ValueKind == JsonValueKind.String && value.TryGetProperty("content", out var content)
            ? $"{role.GetString()}: {Content(content)}"
            : null;

    // Content is a string, or (multimodal messages) an array of parts of which the text ones are read.
    private static string Content(JsonElement content) => content.ValueKind switch
    {
        JsonValueKind.String => content.GetString()!,
        JsonValueKind.Array when content.EnumerateArray().Any(p => p.ValueKind == JsonValueKind.Object && p.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String) =>
            string.Join(" ", content.EnumerateArray()
                .Where(p => p.ValueKind == JsonValueKind.Object && p.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String)
                .Select(p => p.GetProperty("text").GetString())),
        JsonValueKind.Null => string.Empty,
        _ => content.GetRawText(),
    };
}
