using System.Text.RegularExpressions;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Mentiora.Bench.Output;

namespace Mentiora.Bench.Dashboard;

/// <summary>A key made the way a person makes one: sign up, open Settings, create a key, read it from the dialog.</summary>
public static partial class DashboardKeyMaker
{
    // The list shows a key by its first 8 characters; the progress line names it the same way.
    private const int KeyPrefixLength = 8;

    public static async Task<string> CreateKeyAsync(Uri dashboard)
    {
        using var pages = new HtmlPages(dashboard);
        return (await CreateProjectAsync(pages)).Key;
    }

    /// <summary>Signs up with <paramref name="pages"/> (which keeps the session cookie) and creates a key in the first project.</summary>
    public static async Task<BenchProject> CreateProjectAsync(HtmlPages pages)
    {
        var signUp = await pages.GetAsync("/signup");
        var email = $"bench-{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}-{Random.Shared.Next(100_000)}@example.com";
        var firstProject = await pages.SubmitAsync(signUp, "Create account", new Dictionary<string, string>
        {
            ["Email"] = email,
            ["Password"] = $"benchmark-password-{Random.Shared.Next(100_000)}",
        });
        var project = ProjectInPath().Match(firstProject.Url);
        if (!project.Success)
        {
            throw new BenchFailedException($"sign-up did not lead to a project (landed on {firstProject.Url})");
        }

        var settingsLink = firstProject.QuerySelectorAll<IHtmlAnchorElement>("a").FirstOrDefault(a => a.TextContent.Trim() == "Settings")
            ?? throw new BenchFailedException($"the project page {firstProject.Url} has no Settings link");
        var settings = await pages.GetAsync(settingsLink.Href);
        var dialog = await pages.SubmitAsync(settings, "Create API Key");
        var created = await pages.SubmitAsync(dialog, "Create", new Dictionary<string, string> { ["name"] = "Benchmark" });
        var key = (created.GetElementById("created-api-key") as IHtmlInputElement)?.Value ?? "";
        if (!CreatedKey().IsMatch(key))
        {
            throw new BenchFailedException("the created-key dialog showed no 43-character key");
        }

        // The key's row carries its id (id="key-{id}"), as the Settings page's own forms use it.
        var keyRow = (await pages.GetAsync(settingsLink.Href)).QuerySelector("tr[id^='key-']")
            ?? throw new BenchFailedException("the Settings page lists no key after creating one");
        Progress.Say($"Signed up (project {project.Groups[1].Value}) and created a key (prefix {key[..KeyPrefixLength]}) through the dashboard");
        return new BenchProject(Guid.Parse(project.Groups[1].Value), Guid.Parse(keyRow.Id!["key-".Length..]), key);
    }

    // A key is 32 random bytes in base64url: the check that the field held a key, not the dialog's HTML.
    [GeneratedRegex("^[A-Za-z0-9_-]{43}$")]
    private static partial Regex CreatedKey();

    [GeneratedRegex("/projects/([0-9a-f-]{36})/")]
    private static partial Regex ProjectInPath();
}
