using System.Net;
using Mentiora.Harness.Postgres;
using Mentiora.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace Mentiora.Tests.Dashboard;

/// <summary>A dashboard action while PostgreSQL is down says the service is briefly unavailable and changes nothing; afterwards it works again.</summary>
public sealed class DashboardOutageTests
{
    private const string Title = "Mentiora is briefly unavailable";
    private const string NothingChanged = "Nothing was changed. Try again in a few seconds.";

    [Fact]
    public async Task CreatingAKeyWhileTheDatabaseIsDownSaysBrieflyUnavailableAndCreatesNothing()
    {
        // A server of its own: stopping the shared one would break the other tests.
        await using var server = await ThrowawayPostgres.StartAsync();
        var storage = await TestStorage.NewPostgresOnAsync(await server.CreateDatabaseAsync("dashboard-outage"));
        await using var app = new MentioraApp(storage);
        var browser = new DashboardClient(app);
        var projectId = await browser.SignUpAsync();
        await browser.CreateApiKeyAsync(projectId, "Production");
        var settings = $"/projects/{projectId}/settings";
        await browser.GetPageAsync(settings);
        var logsBefore = app.Logs.GetSnapshot().Count;

        await server.StopAsync();
        using var plain = await browser.PostFormAsync($"{settings}?handler=Create", new() { ["name"] = "During the outage" });
        using var htmx = await browser.PostFormAsync($"{settings}?handler=Create", new() { ["name"] = "During the outage, htmx" }, htmx: true);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, plain.StatusCode);
        Assert.NotNull(plain.Headers.RetryAfter);
        var page = await plain.Content.ReadAsStringAsync();
        Assert.Contains($"<title>{Title}</title>", page);
        Assert.Contains(NothingChanged, page);
        Assert.Null(DashboardHtml.CreatedKey(page));

        // htmx 4 swaps an error answer into the form's target, the create-key dialog: a fragment, not a page.
        Assert.Equal(HttpStatusCode.ServiceUnavailable, htmx.StatusCode);
        var fragment = await htmx.Content.ReadAsStringAsync();
        Assert.DoesNotContain("<html", fragment);
        Assert.Contains(Title, fragment);
        Assert.Contains(NothingChanged, fragment);
        Assert.Contains("role=\"alert\"", fragment);

        var during = app.Logs.GetSnapshot().Skip(logsBefore).ToList();
        Assert.DoesNotContain(during, r => r.Message.Contains("unhandled exception", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(during, r => r.Level >= LogLevel.Error && r.Category?.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal) == true);
        Assert.Equal(2, during.Count(r => r.Level == LogLevel.Warning && r.Message.StartsWith("Answered 503 to POST", StringComparison.Ordinal)));

        await server.RestartAsync();
        var html = await SettingsOnceTheDatabaseAnswersAsync(browser, settings);
        Assert.Single(DashboardHtml.KeyRowIds(html));
        await browser.CreateApiKeyAsync(projectId, "After the outage");
        Assert.Equal(2, DashboardHtml.KeyRowIds(await browser.GetPageAsync(settings)).Count);
    }

    [Fact]
    public async Task RenamingAndRevokingAKeyWhileTheDatabaseIsDownChangeNothingOnceItIsBack()
    {
        await using var server = await ThrowawayPostgres.StartAsync();
        var storage = await TestStorage.NewPostgresOnAsync(await server.CreateDatabaseAsync("dashboard-outage-edits"));
        await using var app = new MentioraApp(storage);
        var browser = new DashboardClient(app);
        var projectId = await browser.SignUpAsync();
        var key = await browser.CreateApiKeyAsync(projectId, "Production");
        var settings = $"/projects/{projectId}/settings";
        var keyId = DashboardHtml.KeyRowIds(await browser.GetPageAsync(settings)).Single().ToString();

        await server.StopAsync();
        using var rename = await browser.PostFormAsync($"{settings}?handler=Rename", new() { ["keyId"] = keyId, ["name"] = "Renamed during the outage" });
        using var revoke = await browser.PostFormAsync($"{settings}?handler=Revoke", new() { ["keyId"] = keyId });
        Assert.Equal(HttpStatusCode.ServiceUnavailable, rename.StatusCode);
        Assert.Contains(NothingChanged, await rename.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, revoke.StatusCode);
        Assert.Contains(NothingChanged, await revoke.Content.ReadAsStringAsync());

        // The page told the person nothing was changed: the key keeps its name and keeps working.
        await server.RestartAsync();
        var html = await SettingsOnceTheDatabaseAnswersAsync(browser, settings);
        Assert.Single(DashboardHtml.KeyRowIds(html));
        Assert.Contains("Production", html);
        Assert.DoesNotContain("Renamed during the outage", html);
        using var api = app.CreateClient();
        using var accepted = await api.SendAsync(TraceEvents.Post(TraceEvents.Valid(), key));
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
    }

    // The first command after a restart may still meet the server starting up; a person would reload.
    private static async Task<string> SettingsOnceTheDatabaseAnswersAsync(DashboardClient browser, string settings)
    {
        for (var attempt = 0; ; attempt++)
        {
            using var response = await browser.Http.GetAsync(settings);
            if (response.StatusCode == HttpStatusCode.OK || attempt == 20)
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                return await browser.GetPageAsync(settings);
            }

            await Task.Delay(500);
        }
    }
}
