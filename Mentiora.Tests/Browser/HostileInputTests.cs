using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Mentiora.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Mentiora.Tests.Browser;

/// <summary>
/// Names and trace fields written by an attacker, in a real Chromium under the dashboard's
/// Content-Security-Policy: each value is shown as the text it is, in every place it appears
/// (rows, attributes, dialogs, menus, titles, JSON blocks); nothing runs, not even a blocked
/// attempt, which the browser would report as a policy violation; and a name over the limit is
/// refused with a message a person can read.
/// </summary>
public sealed partial class HostileInputTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private const string ScriptTag = "<script>window.pwned=1</script>";

    private const string ImageTag = "<img src=x onerror=\"window.pwned=1\">";

    // Closes a quoted attribute first: harmless only if attribute values are encoded too.
    private const string AttributeBreakout = "\"><svg onload=window.pwned=1>";

    // Leaves the name's cell, row and table before starting a script.
    private const string TableBreakout = "</span></td></tr></table><script>window.pwned=1</script><img src=x onerror=window.pwned=1>";

    // Leaves the <title> element: the page title carries project and trace names.
    private const string TitleBreakout = "</title><script>window.pwned=1</script>";

    // Leaves the <pre> block the trace detail page shows JSON in.
    private const string PreBreakout = "</pre><script>window.pwned=1</script>";

    private const int MaxNameLength = 100;

    // Finds what a page would hold if markup from a value had become elements, and whether any of it ran.
    private const string WhatRanScript = """
        () => {
          const problems = [];
          if (typeof window.pwned !== 'undefined') problems.push('window.pwned is ' + window.pwned);
          for (const element of document.querySelectorAll('script:not([src]), [onerror], [onload]')) {
            problems.push('an injected element: ' + element.outerHTML.slice(0, 120));
          }
          return problems;
        }
        """;

    // Right-to-left overrides and zero-width spaces: 100 characters that show as nothing, or turn what follows around.
    private static readonly string Invisible = string.Concat(Enumerable.Repeat("\u202E\u200B", MaxNameLength / 2));

    // Exactly the longest name allowed, with markup at both ends.
    private static readonly string Longest = "<b>" + new string('x', MaxNameLength - 7) + "</b>";

    private static readonly string TooLong = new('n', MaxNameLength + 1);

    private readonly MentioraApp _app = new(TestStorage.NewEmbedded());
    private readonly List<string> _pageErrors = [];
    private HttpClient _api = null!;
    private IPage _page = null!;

    public async Task InitializeAsync()
    {
        _api = _app.Start();
        _page = await browser.NewPageAsync(_api.BaseAddress!);

        // A value that breaks the page's own script would show up here rather than as a visible failure.
        _page.PageError += (_, error) => _pageErrors.Add(error);
        await _page.SignUpAsync();
    }

    public Task DisposeAsync() => browser.AssertNoPolicyViolationsThenDisposeAsync(_app);

    [Fact]
    public async Task HostileKeyNamesAreShownAsTextEverywhereAndNothingRuns()
    {
        await _page.OpenSettingsAsync();
        string[] names = [ScriptTag, ImageTag, AttributeBreakout, Invisible, Longest];
        var keys = new Dictionary<string, string>();
        foreach (var name in names)
        {
            keys[name] = await CreateKeyAsync(name);
            await AssertNothingRanAsync($"creating the key named {Describe(name)}");
        }

        Assert.Equal(MaxNameLength, Invisible.Length);
        Assert.Equal(MaxNameLength, Longest.Length);

        // After a reload too: the rows come from the server, not from the swap that added them.
        await _page.ReloadAsync();
        await AssertNothingRanAsync("reloading Settings");
        foreach (var (name, key) in keys)
        {
            await AssertKeyRowShowsAsync(key, name);
        }

        await browser.SaveScreenshotAsync(_page, "Settings.hostile-key-names");

        // The origins dialog is fetched and put into the page as HTML by the page script.
        var imageRow = RowOf(keys[ImageTag]);
        await imageRow.GetByRole(AriaRole.Button, new() { Name = "Allowed origins" }).ClickAsync();
        var origins = _page.GetByRole(AriaRole.Dialog, new() { Name = "Allowed origins" });
        await Expect(origins).ToContainTextAsync($"{ImageTag} ({keys[ImageTag][..8]}…)");
        await AssertNothingRanAsync("opening the Allowed origins dialog");
        await origins.GetByRole(AriaRole.Link, new() { Name = "Done" }).ClickAsync();
        await Expect(origins).ToBeHiddenAsync();

        // The revoke dialog takes the key's label from an attribute.
        await RowOf(keys[AttributeBreakout]).GetByRole(AriaRole.Button, new() { Name = "Revoke key" }).ClickAsync();
        var revoke = _page.GetByRole(AriaRole.Dialog, new() { Name = "Revoke API key" });
        await Expect(revoke).ToContainTextAsync($"Revoke {AttributeBreakout} ({keys[AttributeBreakout][..8]}…)?");
        await AssertNothingRanAsync("opening the revoke dialog");
        await revoke.GetByRole(AriaRole.Link, new() { Name = "Cancel" }).ClickAsync();
        await Expect(revoke).ToBeHiddenAsync();
        await Expect(_page.Locator("[data-key-row]")).ToHaveCountAsync(names.Length);

        // Inline rename to a value that tries to leave the cell, the row and the table.
        var renamed = RowOf(keys[Longest]);
        await renamed.GetByRole(AriaRole.Button, new() { Name = "Rename key" }).ClickAsync();
        var field = renamed.GetByRole(AriaRole.Textbox, new() { Name = "Key name" });
        await Expect(field).ToBeFocusedAsync();
        await field.FillAsync(TableBreakout);
        await field.PressAsync("Enter");
        await Expect(renamed.Locator(".key-name")).ToBeVisibleAsync();
        await AssertKeyRowShowsAsync(keys[Longest], TableBreakout);
        await AssertNothingRanAsync("renaming a key");
        await _page.ReloadAsync();
        await AssertKeyRowShowsAsync(keys[Longest], TableBreakout);
        await Expect(_page.Locator("[data-key-row]")).ToHaveCountAsync(names.Length);

        // The Traces page names the project's keys too (in its getting-started text and, once traces exist, its filter).
        await _page.GetByRole(AriaRole.Link, new() { Name = "Traces", Exact = true }).ClickAsync();
        await Expect(_page.GetByRole(AriaRole.Heading, new() { Name = "Traces" })).ToBeVisibleAsync();
        await AssertNothingRanAsync("opening Traces with hostile key names");
    }

    [Fact]
    public async Task AHostileProjectNameIsShownAsTextInTheMenuHeadersAndTitle()
    {
        foreach (var name in new[] { TitleBreakout, AttributeBreakout, Invisible })
        {
            await CreateProjectAsync(name);
            await Expect(_page.GetByRole(AriaRole.Heading, new() { Name = "API Keys" })).ToBeVisibleAsync();
            await AssertNothingRanAsync($"creating the project named {Describe(name)}");

            Assert.Equal(name, await TextOfAsync(_page.Locator(".page-header .muted")));
            Assert.Equal(name, await TextOfAsync(_page.Locator(".project-menu .project-name")));
            Assert.Equal($"Settings · {name} · Mentiora", await _page.TitleAsync());

            await _page.GetByRole(AriaRole.Link, new() { Name = "Traces", Exact = true }).ClickAsync();
            await Expect(_page.GetByRole(AriaRole.Heading, new() { Name = "Traces" })).ToBeVisibleAsync();
            Assert.Equal(name, await TextOfAsync(_page.Locator(".page-header .muted")));
            await AssertNothingRanAsync($"opening Traces of the project named {Describe(name)}");
        }

        // Every project is listed by its name, as text, in the menu.
        await _page.Locator(".project-menu summary").ClickAsync();
        var listed = await _page.Locator(".project-menu ul a").EvaluateAllAsync<string[]>("links => links.map(a => a.textContent.trim())");
        Assert.Contains(TitleBreakout, listed);
        Assert.Contains(AttributeBreakout, listed);
        Assert.Contains(Invisible, listed);
        await browser.SaveScreenshotAsync(_page, "Projects.hostile-names");
        await AssertNothingRanAsync("opening the project menu");
    }

    [Fact]
    public async Task ATraceWithHostileFieldsIsShownAsTextInTheListAndOnItsPage()
    {
        await _page.OpenSettingsAsync();
        var key = await CreateKeyAsync(ImageTag);
        var trace = TraceEvents.Valid();
        trace["name"] = ImageTag;
        trace["model"] = ScriptTag;
        trace["input"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = ScriptTag });
        trace["output"] = new JsonObject { ["role"] = "assistant", ["content"] = PreBreakout };
        trace["metadata"] = new JsonObject { ["note"] = AttributeBreakout, [TitleBreakout] = Invisible };
        trace["tags"] = new JsonArray(ScriptTag, Invisible);
        Assert.Equal(HttpStatusCode.Accepted, (await _api.SendAsync(TraceEvents.Post(trace, key))).StatusCode);

        await _page.GetByRole(AriaRole.Link, new() { Name = "Traces", Exact = true }).ClickAsync();
        var link = _page.GetByRole(AriaRole.Link, new() { Name = ImageTag });
        await Expect(link).ToBeVisibleAsync();
        // The list shows one row per trace without its model: the trace page's facts show the model below.
        Assert.Equal(ImageTag, await TextOfAsync(link));
        Assert.Contains($"{ImageTag} ({key[..8]}…)", await _page.Locator("#filter-key option").AllTextContentsAsync());
        await AssertNothingRanAsync("listing the trace");

        await link.ClickAsync();
        var heading = _page.GetByRole(AriaRole.Heading, new() { Level = 1 });
        await Expect(heading).ToHaveTextAsync(ImageTag);
        Assert.Equal(ImageTag, await TextOfAsync(heading));
        Assert.StartsWith(ImageTag, await _page.TitleAsync(), StringComparison.Ordinal);
        await Expect(Section("Input")).ToContainTextAsync(ScriptTag);
        await Expect(Section("Output")).ToContainTextAsync(PreBreakout);
        await Expect(Section("Metadata")).ToContainTextAsync("<svg onload=window.pwned=1>");
        await Expect(Section("Metadata")).ToContainTextAsync(TitleBreakout);
        Assert.Contains(Invisible, await TextOfAsync(Section("Metadata")));
        await Expect(_page.Locator(".span-panel .facts")).ToContainTextAsync(ScriptTag);
        await AssertNothingRanAsync("opening the trace");

        await _page.GetByText("The whole event as sent").ClickAsync();
        var whole = _page.Locator(".span-panel details pre");
        await Expect(whole).ToBeVisibleAsync();
        var sent = await TextOfAsync(whole);
        foreach (var value in new[] { ImageTag.Replace("\"", "\\\"", StringComparison.Ordinal), ScriptTag, PreBreakout, TitleBreakout, Invisible })
        {
            Assert.Contains(value, sent);
        }

        await browser.SaveScreenshotAsync(_page, "TraceDetail.hostile-fields");
        await AssertNothingRanAsync("opening the whole event");
    }

    [Fact]
    public async Task NamesOverTheLimitAreRefusedWithAMessageAndNothingIsCreated()
    {
        await _page.OpenSettingsAsync();
        await _page.GetByRole(AriaRole.Button, new() { Name = "Create API Key" }).ClickAsync();
        var dialog = _page.GetByRole(AriaRole.Dialog, new() { Name = "Create API Key" });
        var name = dialog.GetByRole(AriaRole.Textbox, new() { Name = "Name", Exact = true });

        // The field stops at the limit, so a person cannot type more...
        await name.PressSequentiallyAsync(TooLong);
        await Expect(name).ToHaveValueAsync(TooLong[..MaxNameLength]);

        // ...but a script or an old browser can send more: the server must refuse it and say why.
        await RemoveLengthLimitAsync(name);
        await name.FillAsync(TooLong);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Create", Exact = true }).ClickAsync();
        await Expect(dialog.GetByRole(AriaRole.Alert)).ToContainTextAsync($"at most {MaxNameLength} characters");
        await Expect(_page.GetByRole(AriaRole.Dialog, new() { Name = "API key created" })).ToHaveCountAsync(0);
        await _page.ReloadAsync();
        await Expect(_page.Locator("[data-key-row]")).ToHaveCountAsync(0);
        await Expect(_page.GetByText("0 of 5 keys in use")).ToBeVisibleAsync();

        // Renaming to an over-long name is refused in the row, and the old name stays.
        var key = await CreateKeyAsync("Short");
        var row = RowOf(key);
        await row.GetByRole(AriaRole.Button, new() { Name = "Rename key" }).ClickAsync();
        var field = row.GetByRole(AriaRole.Textbox, new() { Name = "Key name" });
        await RemoveLengthLimitAsync(field);
        await field.FillAsync(TooLong);
        await field.PressAsync("Enter");
        await Expect(row.GetByRole(AriaRole.Alert)).ToContainTextAsync($"at most {MaxNameLength} characters");
        await _page.ReloadAsync();
        await AssertKeyRowShowsAsync(key, "Short");

        // A project name over the limit is refused on the New project page; no project appears in the menu.
        await _page.Locator(".project-menu summary").ClickAsync();
        var projectsBefore = await _page.Locator(".project-menu ul a").CountAsync();
        await _page.GetByRole(AriaRole.Link, new() { Name = "+ New project" }).ClickAsync();
        var projectName = _page.GetByLabel("Project name");
        await projectName.PressSequentiallyAsync(TooLong);
        await Expect(projectName).ToHaveValueAsync(TooLong[..MaxNameLength]);
        await RemoveLengthLimitAsync(projectName);
        await projectName.FillAsync(TooLong);
        await _page.GetByRole(AriaRole.Button, new() { Name = "Create project" }).ClickAsync();
        await Expect(_page.Locator("#name-error")).ToContainTextAsync($"1 to {MaxNameLength} characters");
        await Expect(_page.GetByRole(AriaRole.Heading, new() { Name = "New project" })).ToBeVisibleAsync();
        await _page.Locator(".project-menu summary").ClickAsync();
        await Expect(_page.Locator(".project-menu ul a")).ToHaveCountAsync(projectsBefore);
        await Expect(_page.Locator(".project-menu ul a").Filter(new() { HasText = TooLong[..MaxNameLength] })).ToHaveCountAsync(0);
        await AssertNothingRanAsync("refusing over-long names");
    }

    private async Task AssertKeyRowShowsAsync(string key, string name)
    {
        var row = RowOf(key);
        await Expect(row).ToHaveCountAsync(1);
        if (name.Trim().Length == name.Length && !name.Contains('\u200B', StringComparison.Ordinal))
        {
            // Only for names Playwright's text matching does not normalise away.
            await Expect(row).ToContainTextAsync(name);
        }

        Assert.Equal(name, await TextOfAsync(row.Locator(".key-name")));

        // In attributes too: the rename field's value and the label the revoke dialog shows.
        var nameField = row.Locator("input[name=name]");
        await Expect(nameField).ToHaveValueAsync(name);
        await Expect(nameField).ToHaveAttributeAsync("data-original", name);
        await Expect(row.GetByRole(AriaRole.Button, new() { Name = "Revoke key" })).ToHaveAttributeAsync("data-key-label", $"{name} ({key[..8]}…)");
    }

    private async Task AssertNothingRanAsync(string step)
    {
        var problems = await _page.EvaluateAsync<string[]>(WhatRanScript);
        Assert.True(problems.Length == 0, $"after {step}: {string.Join("; ", problems)}");
        var violations = browser.PolicyViolationsOf(_page);
        Assert.True(violations.Count == 0, $"after {step}, the browser reported: {string.Join(" | ", violations)}");
        Assert.True(_pageErrors.Count == 0, $"after {step}, the page's script failed: {string.Join(" | ", _pageErrors)}");
    }

    // The exact text, as the DOM holds it: no whitespace normalisation, so invisible characters count.
    private static Task<string> TextOfAsync(ILocator locator) => locator.EvaluateAsync<string>("e => e.textContent.trim()");

    private ILocator RowOf(string key) => _page.Locator("[data-key-row]").Filter(new() { Has = _page.GetByText(key[..8] + "…", new() { Exact = true }) });

    private ILocator Section(string title) =>
        _page.Locator("section.card").Filter(new() { Has = _page.GetByRole(AriaRole.Heading, new() { Name = title, Exact = true }) });

    private static Task RemoveLengthLimitAsync(ILocator field) => field.EvaluateAsync("e => e.removeAttribute('maxlength')");

    private static string Describe(string name) => InvisibleCharacters().Replace(name, m => $"\\u{(int)m.Value[0]:X4}");

    private async Task<string> CreateKeyAsync(string name)
    {
        var key = await _page.CreateKeyAsync(name);
        await AssertKeyRowShowsAsync(key, name);
        return key;
    }

    private async Task CreateProjectAsync(string name)
    {
        await _page.Locator(".project-menu summary").ClickAsync();
        await _page.GetByRole(AriaRole.Link, new() { Name = "+ New project" }).ClickAsync();
        await Expect(_page.GetByRole(AriaRole.Heading, new() { Name = "New project" })).ToBeVisibleAsync();
        await _page.GetByLabel("Project name").FillAsync(name);
        await _page.GetByRole(AriaRole.Button, new() { Name = "Create project" }).ClickAsync();
    }

    [GeneratedRegex("[\u200B\u202A-\u202E]")]
    private static partial Regex InvisibleCharacters();
}
