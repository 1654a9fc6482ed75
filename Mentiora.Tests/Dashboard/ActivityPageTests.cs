using System.Net;
using Mentiora.Grains.Activity;
using Mentiora.Grains.Projects;
using Mentiora.Tests.Infrastructure;
using Mentiora.Web.Activity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Mentiora.Tests.Dashboard;

/// <summary>
/// The Activity card on Settings and its CSV download, as a browser without JavaScript uses them,
/// on the embedded default and on PostgreSQL.
/// </summary>
public abstract class ActivityPageTests(DashboardAppFixture fixture) : LeakCheckedTests(fixture.App)
{
    private static string Settings(Guid projectId) => $"/projects/{projectId}/settings";

    private static string Csv(Guid projectId) => $"/projects/{projectId}/activity.csv";

    [Fact]
    public async Task TheActivityCardSaysWhoCreatedAndRenamedAKeyFromWhichAddressNewestFirstWithoutTheKey()
    {
        var browser = fixture.NewVisitor();
        var email = DashboardClient.NewEmail();
        var projectId = await browser.SignUpAsync(email);
        var key = await browser.CreateApiKeyAsync(projectId, "Production");
        var keyId = DashboardHtml.KeyRowIds(await browser.GetPageAsync(Settings(projectId)))[0];
        using var renamed = await browser.PostFormAsync($"{Settings(projectId)}?handler=Rename", new() { ["keyId"] = keyId.ToString(), ["name"] = "Staging" });
        Assert.Equal(HttpStatusCode.Redirect, renamed.StatusCode);

        var page = await browser.GetPageAsync(Settings(projectId));

        Assert.Contains("Activity", DashboardHtml.Text(page));
        var lines = DashboardHtml.ActivityLines(page);
        Assert.Equal(2, lines.Count);
        Assert.StartsWith($"{email} renamed key {key[..8]}… from \"Production\" to \"Staging\"", lines[0]);
        Assert.StartsWith($"{email} created key \"Production\" {key[..8]}…", lines[1]);
        Assert.All(lines, line => Assert.EndsWith("from 127.0.0.1", line));
        Assert.DoesNotContain(key[..9], page);
        Assert.Null(DashboardHtml.OlderActivityLink(page));
    }

    [Fact]
    public async Task TwentyFiveEntriesShowAsTwentyNewestThenFiveOlderBehindTheOlderLink()
    {
        var browser = fixture.NewVisitor();
        var email = DashboardClient.NewEmail();
        var projectId = await browser.SignUpAsync(email);
        await browser.CreateApiKeyAsync(projectId, "Production");
        var project = fixture.App.Grains.GetGrain<IProjectDashboardGrain>(projectId);
        var keyId = (await project.GetSettings(email))!.ApiKeys[0].Id;
        for (var i = 0; i < 24; i++)
        {
            Assert.Equal(OriginChangeOutcome.Done, await project.SetReportOnly(email, keyId, i % 2 == 0));
        }

        var first = await browser.GetPageAsync(Settings(projectId));
        var newest = DashboardHtml.ActivityLines(first);
        Assert.Equal(20, newest.Count);
        Assert.StartsWith($"{email} switched Report only off", newest[0]);
        var older = DashboardHtml.OlderActivityLink(first);
        Assert.NotNull(older);

        var second = await browser.GetPageAsync(WebUtility.HtmlDecode(older));
        var rest = DashboardHtml.ActivityLines(second);
        Assert.Equal(5, rest.Count);
        Assert.StartsWith($"{email} created key \"Production\"", rest[^1]);
        Assert.Null(DashboardHtml.OlderActivityLink(second));
        Assert.DoesNotContain(newest, l => l.Contains("created"));

        // With htmx the link fetches the card alone, holding the same older page.
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{Settings(projectId)}?handler=Activity&activityBefore={OlderCursor(older)}");
        request.Headers.Add("HX-Request", "true");
        using var card = await browser.Http.SendAsync(request);
        var cardHtml = await card.Content.ReadAsStringAsync();
        Assert.StartsWith("<section class=\"card\" id=\"activity-card\"", cardHtml.Trim());
        Assert.Equal(rest, DashboardHtml.ActivityLines(cardHtml));
    }

    [Fact]
    public async Task TheCsvIsAnAttachmentWithEveryEntryAndAKeyNameAFormulaCannotRunFrom()
    {
        var browser = fixture.NewVisitor();
        var email = DashboardClient.NewEmail();
        var projectId = await browser.SignUpAsync(email);
        var key = await browser.CreateApiKeyAsync(projectId, "=HYPERLINK(\"https://evil.example.com\",\"x\")");

        using var response = await browser.Http.GetAsync(Csv(projectId));
        var csv = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("time,who,what,key_name,key_prefix,address", lines[0]);
        var entry = Assert.Single(lines[1..]);
        Assert.Contains($",{email},", entry);
        // Quoted, quotes doubled, and the name starts with an apostrophe so a spreadsheet shows it as text.
        Assert.Contains(",\"'=HYPERLINK(\"\"https://evil.example.com\"\",\"\"x\"\")\",", entry);
        Assert.Contains($",{key[..8]},127.0.0.1", entry);
        Assert.DoesNotContain(key[..9], csv);
    }

    [Fact]
    public async Task AnotherAccountGetsNotFoundForTheCsvAndTheCardAndSeesNoEntries()
    {
        var owner = fixture.NewVisitor();
        var ownerEmail = DashboardClient.NewEmail();
        var projectId = await owner.SignUpAsync(ownerEmail);
        await owner.CreateApiKeyAsync(projectId, "Production");
        var stranger = fixture.NewVisitor();
        await stranger.SignUpAsync();

        foreach (var url in new[] { Csv(projectId), $"{Settings(projectId)}?handler=Activity" })
        {
            using var response = await stranger.Http.GetAsync(url);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.DoesNotContain(ownerEmail, await response.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task EntriesOlderThanAYearAreDeletedInTheBackgroundAndYoungerOnesStay()
    {
        var log = fixture.App.Services.GetRequiredService<DatabaseActivityLog>();
        var retention = fixture.App.Services.GetServices<IHostedService>().OfType<ActivityRetention>().Single();
        var projectId = Guid.NewGuid();
        var now = DateTimeOffset.UtcNow;
        await log.Append([Entry(projectId, now.AddDays(-366), "old"), Entry(projectId, now.AddDays(-300), "young")]);

        await retention.DeleteExpired(CancellationToken.None);

        var left = (await log.ReadPage(projectId, null)).Entries;
        Assert.Equal("young", Assert.Single(left).Details);
    }

    private static ActivityEntry Entry(Guid projectId, DateTimeOffset at, string details) => new()
    {
        Id = Guid.NewGuid(),
        ProjectId = projectId,
        At = at,
        Actor = "owner@example.com",
        Kind = ActivityKind.MemberAdded,
        Details = details,
    };

    private static string OlderCursor(string link) => link.Split("activityBefore=")[1].Split('&', '#')[0];
}

public sealed class EmbeddedActivityPageTests(EmbeddedDashboardAppFixture fixture)
    : ActivityPageTests(fixture), IClassFixture<EmbeddedDashboardAppFixture>;

public sealed class PostgresActivityPageTests(PostgresDashboardAppFixture fixture)
    : ActivityPageTests(fixture), IClassFixture<PostgresDashboardAppFixture>;
