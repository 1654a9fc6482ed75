using System.Net;
using Mentiora.Tests.Infrastructure;

namespace Mentiora.Tests.Dashboard;

/// <summary>Settings → Keep traces for, as the owner and a member use it, without JavaScript and with htmx.</summary>
public sealed class TraceRetentionCardTests(EmbeddedDashboardAppFixture fixture) : LeakCheckedTests(fixture.App), IClassFixture<EmbeddedDashboardAppFixture>
{
    private static string Settings(Guid projectId) => $"/projects/{projectId}/settings";

    private static string Save(Guid projectId) => $"{Settings(projectId)}?handler=TraceRetention";

    [Fact]
    public async Task TheOwnerSeesNinetyDaysChosenAndSavesThirtyWithoutJavaScriptThenSeesItConfirmedAndInTheActivity()
    {
        var owner = fixture.NewVisitor();
        var email = DashboardClient.NewEmail();
        var projectId = await owner.SignUpAsync(email);

        var page = await owner.GetPageAsync(Settings(projectId));
        Assert.Equal(90, DashboardHtml.CheckedTraceRetentionDays(page));
        var card = DashboardHtml.TraceRetentionCardText(page);
        Assert.StartsWith("Keep traces for", card);
        Assert.Contains("Traces older than this are removed in the background, within about an hour.", card);
        Assert.Contains("7 days 30 days 90 days (default) 365 days Save", card);

        using var saved = await owner.PostFormAsync(Save(projectId), new() { ["days"] = "30" });
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var after = await owner.GetPageAsync(saved.Headers.Location!.ToString());

        Assert.Equal(30, DashboardHtml.CheckedTraceRetentionDays(after));
        Assert.Contains("Traces are now kept for 30 days.", DashboardHtml.TraceRetentionCardText(after));
        Assert.StartsWith($"{email.ToLowerInvariant()} set Keep traces for to 30 days (was 90 days)", DashboardHtml.ActivityLines(after)[0]);
        Assert.DoesNotContain("Traces are now kept", DashboardHtml.TraceRetentionCardText(await owner.GetPageAsync(Settings(projectId))));
    }

    [Fact]
    public async Task WithHtmxSavingAnswersTheCardAloneWithTheNewChoiceAndSavingTheSameAgainAddsNoEntry()
    {
        var owner = fixture.NewVisitor();
        var projectId = await owner.SignUpAsync();
        await owner.GetPageAsync(Settings(projectId));

        using var saved = await owner.PostFormAsync(Save(projectId), new() { ["days"] = "365" }, htmx: true);
        var html = await saved.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        Assert.StartsWith("<section class=\"card\" id=\"trace-retention-card\"", html.Trim());
        Assert.DoesNotContain("<html", html);
        Assert.Equal(365, DashboardHtml.CheckedTraceRetentionDays(html));
        Assert.Contains("Traces are now kept for 365 days.", DashboardHtml.TraceRetentionCardText(html));

        using var again = await owner.PostFormAsync(Save(projectId), new() { ["days"] = "365" }, htmx: true);
        Assert.Contains("Traces were kept for 365 days already.", DashboardHtml.TraceRetentionCardText(await again.Content.ReadAsStringAsync()));
        var page = await owner.GetPageAsync(Settings(projectId));
        Assert.Single(DashboardHtml.ActivityLines(page), line => line.Contains("Keep traces for", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AMemberSeesHowLongTracesAreKeptButTheirPostChangesNothingAndSaysOnlyTheOwnerCan()
    {
        var owner = fixture.NewVisitor();
        var projectId = await owner.SignUpAsync();
        var memberEmail = DashboardClient.NewEmail();
        var member = fixture.NewVisitor();
        await member.SignUpAsync(memberEmail);
        await owner.GetPageAsync(Settings(projectId));
        using (var added = await owner.PostFormAsync($"{Settings(projectId)}?handler=AddMember", new() { ["email"] = memberEmail }))
        {
            Assert.Equal(HttpStatusCode.Redirect, added.StatusCode);
        }

        var memberPage = await member.GetPageAsync(Settings(projectId));
        Assert.Null(DashboardHtml.CheckedTraceRetentionDays(memberPage));
        Assert.Contains("Traces are kept for 90 days. Only the project's owner can change how long traces are kept.", DashboardHtml.TraceRetentionCardText(memberPage));

        foreach (var htmx in new[] { false, true })
        {
            using var refused = await member.PostFormAsync(Save(projectId), new() { ["days"] = "7" }, htmx);
            Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
            Assert.Contains("Only the project's owner can change how long traces are kept.", DashboardHtml.TraceRetentionCardText(await refused.Content.ReadAsStringAsync()));
        }

        var ownerPage = await owner.GetPageAsync(Settings(projectId));
        Assert.Equal(90, DashboardHtml.CheckedTraceRetentionDays(ownerPage));
        Assert.DoesNotContain(DashboardHtml.ActivityLines(ownerPage), line => line.Contains("Keep traces for", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ANumberOfDaysThatIsNoChoiceIsRefusedAndChangesNothing()
    {
        var owner = fixture.NewVisitor();
        var projectId = await owner.SignUpAsync();
        await owner.GetPageAsync(Settings(projectId));

        foreach (var days in new[] { "45", "0", "forever" })
        {
            using var refused = await owner.PostFormAsync(Save(projectId), new() { ["days"] = days }, htmx: true);
            Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
            Assert.Contains("Choose 7, 30, 90 or 365 days.", await refused.Content.ReadAsStringAsync());
        }

        Assert.Equal(90, DashboardHtml.CheckedTraceRetentionDays(await owner.GetPageAsync(Settings(projectId))));
    }
}
