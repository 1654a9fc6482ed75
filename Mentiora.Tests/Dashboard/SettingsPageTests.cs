using System.Net;
using Mentiora.Tests.Infrastructure;

namespace Mentiora.Tests.Dashboard;

/// <summary>
/// Settings → API Keys as a browser without JavaScript uses it: real form posts with the page's
/// antiforgery token, on the embedded default and on PostgreSQL.
/// </summary>
public abstract class SettingsPageTests(DashboardAppFixture fixture) : LeakCheckedTests(fixture.App)
{
    private static string Settings(Guid projectId) => $"/projects/{projectId}/settings";

    private static string Handler(Guid projectId, string handler) => $"{Settings(projectId)}?handler={handler}";

    private static async Task<(string Key, string SigningSecret, string Html)> CreateKeyAsync(DashboardClient browser, Guid projectId, string name)
    {
        await browser.GetPageAsync(Settings(projectId));
        var response = await browser.PostFormAsync(Handler(projectId, "Create"), new() { ["name"] = name });
        var html = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("no-store", response.Headers.CacheControl?.ToString());
        var key = DashboardHtml.CreatedKey(html);
        var secret = DashboardHtml.CreatedSigningSecret(html);
        Assert.True(key is not null, "the created key is shown in the API key field");
        return (key, secret ?? string.Empty, html);
    }

    [Fact]
    public async Task AKeyIsShownOnceAndAfterwardsOnlyItsPrefix()
    {
        var browser = fixture.NewVisitor();
        var projectId = await browser.SignUpAsync();

        var (key, secret, created) = await CreateKeyAsync(browser, projectId, "Production");

        Assert.Matches("^[A-Za-z0-9_-]{43}$", key);
        Assert.Contains("will not be shown again", created);
        var settings = await browser.GetPageAsync(Settings(projectId));
        Assert.Contains("Production", settings);
        Assert.Contains(key[..8] + "…", settings);
        Assert.DoesNotContain(key, settings);
        Assert.DoesNotContain(secret, settings);
        Assert.DoesNotContain(key[..9], settings);
        Assert.Contains("Never", settings);
        foreach (var page in new[] { "/projects/new", $"/projects/{projectId}/traces" })
        {
            var html = await browser.Http.GetStringAsync(page);
            Assert.DoesNotContain(key, html);
            Assert.DoesNotContain(secret, html);
        }
    }

    [Fact]
    public async Task ResendingTheCreateFormCreatesNothingAndSaysTheKeyWasAlreadyShown()
    {
        var browser = fixture.NewVisitor();
        var projectId = await browser.SignUpAsync();
        var form = await browser.GetPageAsync($"{Settings(projectId)}?dialog=create");
        var fields = new Dictionary<string, string> { ["name"] = "Production", ["formToken"] = DashboardHtml.CreateFormToken(form)! };

        using var first = await browser.PostFormAsync(Handler(projectId, "Create"), fields);
        var key = DashboardHtml.CreatedKey(await first.Content.ReadAsStringAsync());
        Assert.NotNull(key);

        // A reload of the answer sends the same form again; so does htmx on a second click.
        using var reload = await browser.PostFormAsync(Handler(projectId, "Create"), fields);
        using var htmx = await browser.PostFormAsync(Handler(projectId, "Create"), fields, htmx: true);

        foreach (var again in new[] { reload, htmx })
        {
            var html = await again.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
            Assert.Contains("cannot be shown again", DashboardHtml.Text(html));
            Assert.Contains("Back to API keys", html);
            Assert.Null(DashboardHtml.CreatedKey(html));
            Assert.DoesNotContain(key, html);
        }

        var settings = await browser.GetPageAsync(Settings(projectId));
        Assert.Single(DashboardHtml.KeyRowIds(settings));

        // A new form (a fresh page) creates the next key.
        await browser.CreateApiKeyAsync(projectId, "Staging");
        Assert.Equal(2, DashboardHtml.KeyRowIds(await browser.GetPageAsync(Settings(projectId))).Count);
    }

    [Fact]
    public async Task RenameAndRevokeWorkWithPlainFormPosts()
    {
        var browser = fixture.NewVisitor();
        var projectId = await browser.SignUpAsync();
        var (key, _, _) = await CreateKeyAsync(browser, projectId, "Old name");
        var keyId = DashboardHtml.KeyRowIds(await browser.GetPageAsync(Settings(projectId)))[0].ToString();

        var renamed = await browser.PostFormAsync(Handler(projectId, "Rename"), new() { ["keyId"] = keyId, ["name"] = "  CI/CD  " });
        Assert.Equal(HttpStatusCode.Redirect, renamed.StatusCode);
        var afterRename = await browser.GetPageAsync(Settings(projectId));
        Assert.Contains(">CI/CD<", afterRename.Replace("\n", string.Empty).Replace(" ", string.Empty));
        Assert.DoesNotContain("Old name", DashboardHtml.ApiKeysCard(afterRename));

        await browser.PostFormAsync(Handler(projectId, "Rename"), new() { ["keyId"] = keyId, ["name"] = "   " });
        Assert.Contains(">Unnamed<", await browser.GetPageAsync(Settings(projectId)));

        var revoked = await browser.PostFormAsync(Handler(projectId, "Revoke"), new() { ["keyId"] = keyId });
        Assert.Equal(HttpStatusCode.Redirect, revoked.StatusCode);
        var afterRevoke = await browser.GetPageAsync(Settings(projectId));
        Assert.DoesNotContain(key[..8], DashboardHtml.ApiKeysCard(afterRevoke));
        Assert.Contains("No API keys yet", afterRevoke);
        var trace = await browser.Http.SendAsync(TraceEvents.Post(TraceEvents.Valid(), key));
        Assert.Equal(HttpStatusCode.Unauthorized, trace.StatusCode);
    }

    [Fact]
    public async Task WithoutJavaScriptTheDialogsOpenThroughLinks()
    {
        var browser = fixture.NewVisitor();
        var projectId = await browser.SignUpAsync();
        await CreateKeyAsync(browser, projectId, "Production");
        var keyId = DashboardHtml.KeyRowIds(await browser.GetPageAsync(Settings(projectId)))[0].ToString();

        Assert.Matches("<dialog id=\"create-key-dialog\"[^>]* open", await browser.GetPageAsync($"{Settings(projectId)}?dialog=create"));
        var revoke = await browser.GetPageAsync($"{Settings(projectId)}?revoke={keyId}");
        Assert.Matches("<dialog id=\"revoke-key-dialog\"[^>]* open", revoke);
        Assert.Contains($"value=\"{keyId}\" data-revoke-key-id", revoke);
        Assert.Contains("irreversible", revoke);
        Assert.Contains("immediately lose access", revoke);
        var rename = await browser.GetPageAsync($"{Settings(projectId)}?rename={keyId}");
        Assert.Matches("aria-label=\"Key name\"[^>]*autofocus", rename);
    }

    [Fact]
    public async Task TheCreatedKeyDialogShowsCodeThatSendsToThisServerAndTheKeyOnlyOnce()
    {
        var browser = fixture.NewVisitor();
        var projectId = await browser.SignUpAsync();

        var (key, _, created) = await CreateKeyAsync(browser, projectId, "Production");
        await browser.GetPageAsync(Settings(projectId));
        var htmx = await browser.PostFormAsync(Handler(projectId, "Create"), new() { ["name"] = "Staging" }, htmx: true);
        var htmxHtml = await htmx.Content.ReadAsStringAsync();

        SdkSetupExpectations.ShowsCodeForThisServer(created, browser.BaseAddress);
        SdkSetupExpectations.ShowsCodeForThisServer(htmxHtml, browser.BaseAddress);
        // The snippets name the environment variable, never the key: it is shown once, in its field.
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(created, System.Text.RegularExpressions.Regex.Escape(key)));
        Assert.DoesNotContain(DashboardHtml.CodeBlocks(created), block => block.Contains(key, StringComparison.Ordinal));
    }

    [Fact]
    public async Task HtmxGetsOnlyThePartsThatChanged()
    {
        var browser = fixture.NewVisitor();
        var projectId = await browser.SignUpAsync();
        await browser.GetPageAsync(Settings(projectId));

        var response = await browser.PostFormAsync(Handler(projectId, "Create"), new() { ["name"] = "Production" }, htmx: true);

        var html = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("<html", html);
        Assert.Contains("id=\"created-api-key\"", html);
        Assert.Matches("id=\"api-keys-list\" hx-swap-oob=\"true\"", html);
        Assert.Matches("id=\"create-key-area\"[^>]*hx-swap-oob=\"true\"", html);
    }

    [Fact]
    public async Task AtFiveKeysCreateIsDisabledAndASixthIsRefused()
    {
        var browser = fixture.NewVisitor();
        var projectId = await browser.SignUpAsync();
        for (var i = 1; i <= 5; i++)
        {
            await CreateKeyAsync(browser, projectId, $"Key {i}");
        }

        var full = await browser.GetPageAsync(Settings(projectId));
        Assert.Matches("<button type=\"button\" class=\"button primary\" disabled aria-describedby=\"key-limit-reason\">Create API Key</button>", full);
        Assert.Contains("Revoke a key to create a new one", full);

        var sixth = await browser.PostFormAsync(Handler(projectId, "Create"), new() { ["name"] = "Sixth" });
        var refused = await sixth.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.UnprocessableEntity, sixth.StatusCode);
        Assert.Contains("already has 5 API keys", refused);
        Assert.Null(DashboardHtml.CreatedKey(refused));
        Assert.Equal(5, DashboardHtml.KeyRowIds(await browser.GetPageAsync(Settings(projectId))).Count);

        // After a revoke over htmx, the answer re-enables the button out of band.
        var keyId = DashboardHtml.KeyRowIds(full)[0].ToString();
        var revoke = await browser.PostFormAsync(Handler(projectId, "Revoke"), new() { ["keyId"] = keyId }, htmx: true);
        var partial = await revoke.Content.ReadAsStringAsync();
        Assert.Matches("<div id=\"create-key-area\"[^>]*hx-swap-oob=\"true\">\\s*<form", partial);
        Assert.Equal("mentiora:key-revoked", revoke.Headers.GetValues("HX-Trigger").Single());
    }

    [Fact]
    public async Task ANameOverAHundredCharactersIsRefusedWithAMessage()
    {
        var browser = fixture.NewVisitor();
        var projectId = await browser.SignUpAsync();
        await browser.GetPageAsync(Settings(projectId));

        var response = await browser.PostFormAsync(Handler(projectId, "Create"), new() { ["name"] = new string('n', 101) });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("at most 100 characters", await response.Content.ReadAsStringAsync());
        Assert.Empty(DashboardHtml.KeyRowIds(await browser.GetPageAsync(Settings(projectId))));
    }

    [Fact]
    public async Task AnotherUserCanNeitherSeeNorChangeTheProject()
    {
        var owner = fixture.NewVisitor();
        var projectId = await owner.SignUpAsync();
        var (key, _, _) = await CreateKeyAsync(owner, projectId, "Production");
        var keyId = DashboardHtml.KeyRowIds(await owner.GetPageAsync(Settings(projectId)))[0].ToString();
        var stranger = fixture.NewVisitor();
        await stranger.SignUpAsync();
        await stranger.GetPageAsync("/projects/new");

        foreach (var page in new[] { Settings(projectId), $"/projects/{projectId}/traces", $"/projects/{projectId}/traces/1" })
        {
            var response = await stranger.Http.GetAsync(page);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.DoesNotContain(key[..8], await response.Content.ReadAsStringAsync());
        }

        foreach (var (handler, fields) in new (string, Dictionary<string, string>)[]
        {
            ("Create", new() { ["name"] = "mine now" }),
            ("Rename", new() { ["keyId"] = keyId, ["name"] = "owned" }),
            ("Revoke", new() { ["keyId"] = keyId }),
            ("AddMember", new() { ["email"] = "someone@example.com" }),
        })
        {
            var response = await stranger.PostFormAsync(Handler(projectId, handler), fields, htmx: true);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }

        var settings = await owner.GetPageAsync(Settings(projectId));
        Assert.Single(DashboardHtml.KeyRowIds(settings));
        Assert.Contains("Production", settings);
        Assert.Equal(HttpStatusCode.Accepted, (await owner.Http.SendAsync(TraceEvents.Post(TraceEvents.Valid(), key))).StatusCode);
    }

    [Fact]
    public async Task AnAddedMemberManagesKeysUntilRemoved()
    {
        var owner = fixture.NewVisitor();
        var projectId = await owner.SignUpAsync();
        var memberEmail = DashboardClient.NewEmail();
        var member = fixture.NewVisitor();
        await member.SignUpAsync(memberEmail);

        await owner.GetPageAsync(Settings(projectId));
        var added = await owner.PostFormAsync(Handler(projectId, "AddMember"), new() { ["email"] = memberEmail.ToUpperInvariant() });
        Assert.Equal(HttpStatusCode.Redirect, added.StatusCode);

        await CreateKeyAsync(member, projectId, "Made by member");
        Assert.Contains("Made by member", await owner.GetPageAsync(Settings(projectId)));
        Assert.Contains("My first project", await member.Http.GetStringAsync("/projects/new"));

        var removed = await owner.PostFormAsync(Handler(projectId, "RemoveMember"), new() { ["member"] = memberEmail });
        Assert.Equal(HttpStatusCode.Redirect, removed.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await member.Http.GetAsync(Settings(projectId))).StatusCode);
    }

    [Fact]
    public async Task AddingSomeoneWithoutAnAccountSaysWhy()
    {
        var owner = fixture.NewVisitor();
        var projectId = await owner.SignUpAsync();
        await owner.GetPageAsync(Settings(projectId));

        var response = await owner.PostFormAsync(Handler(projectId, "AddMember"), new() { ["email"] = "nobody@example.com" }, htmx: true);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("There is no Mentiora account for", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task FormsWithoutTheAntiforgeryTokenAreRefused()
    {
        var browser = fixture.NewVisitor();
        var projectId = await browser.SignUpAsync();

        var response = await browser.Http.PostAsync(Handler(projectId, "Create"), new FormUrlEncodedContent([new("name", "forged")]));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(DashboardHtml.KeyRowIds(await browser.GetPageAsync(Settings(projectId))));
    }
}

public sealed class SettingsPageOnEmbeddedStorage(EmbeddedDashboardAppFixture fixture)
    : SettingsPageTests(fixture), IClassFixture<EmbeddedDashboardAppFixture>;

public sealed class SettingsPageOnPostgres(PostgresDashboardAppFixture fixture)
    : SettingsPageTests(fixture), IClassFixture<PostgresDashboardAppFixture>;
