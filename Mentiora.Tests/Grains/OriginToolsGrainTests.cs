using Mentiora.Grains;
using Mentiora.Grains.Keys;
using Mentiora.Grains.Projects;
using Mentiora.Tests.Infrastructure;
using Mentiora.Web.Pages.Projects;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Core.Internal;
using Orleans.Storage;

namespace Mentiora.Tests.Grains;

/// <summary>Report only, Blocked origins and Test an origin, as the project grain keeps and answers them.</summary>
public sealed class OriginToolsGrainTests(GrainClusterFixture cluster) : IClassFixture<GrainClusterFixture>
{
    private const string Owner = "owner@example.com";
    private const string Allowed = "https://app.example.com";

    private async Task<(IProjectDashboardGrain Project, IProjectApiGrain Api, CreatedApiKey Key)> BrowserKeyAsync(params string[] origins)
    {
        var project = cluster.Grains.GetGrain<IProjectDashboardGrain>(Guid.NewGuid());
        Assert.True(await project.Create(Owner, "Test project"));
        var key = (await project.CreateApiKey(Owner, "Web")).Created!;
        foreach (var origin in origins)
        {
            Assert.Equal(OriginChangeOutcome.Done, (await project.AddAllowedOrigin(Owner, key.Summary.Id, origin)).Outcome);
        }

        return (project, cluster.Grains.GetGrain<IProjectApiGrain>(project.GetPrimaryKey()), key);
    }

    private static async Task<KeyOrigins> OriginsOf(IProjectDashboardGrain project, CreatedApiKey key) =>
        (await project.GetKeyOrigins(Owner, key.Summary.Id))!;

    [Fact]
    public async Task ReportOnlyAcceptsAnOriginThatIsNotAllowedAndRecordsIt()
    {
        var (project, api, key) = await BrowserKeyAsync(Allowed);
        var pk = key.Summary.PublishableKey;

        Assert.False((await OriginsOf(project, key)).ReportOnly);
        Assert.Equal(BrowserAuthenticationOutcome.OriginNotAllowed, (await api.AuthenticateBrowser(pk, "https://shop.example.net", null)).Outcome);
        Assert.Equal(OriginChangeOutcome.Done, await project.SetReportOnly(Owner, key.Summary.Id, true));
        Assert.Equal(OriginChangeOutcome.Unchanged, await project.SetReportOnly(Owner, key.Summary.Id, true));
        Assert.Equal(OriginChangeOutcome.NotFound, await project.SetReportOnly("stranger@example.com", key.Summary.Id, false));

        var letThrough = await api.AuthenticateBrowser(pk, "https://shop.example.net", null);
        var allowed = await api.AuthenticateBrowser(pk, Allowed, null);

        Assert.Equal(BrowserAuthenticationOutcome.Authenticated, letThrough.Outcome);
        Assert.Equal(key.Summary.Id, letThrough.Key!.KeyId);
        Assert.Equal(BrowserAuthenticationOutcome.Authenticated, allowed.Outcome);
        var origins = await OriginsOf(project, key);
        Assert.True(origins.ReportOnly);
        Assert.NotNull(origins.Key.LastUsedAt);
        var blocked = Assert.Single(origins.BlockedOrigins);
        Assert.Equal("https://shop.example.net", blocked.Origin);
        Assert.Equal(2, blocked.Count);
        Assert.True(blocked.LastLetThrough);

        // Off again: refused, still counted; once allowed, it leaves the list.
        Assert.Equal(OriginChangeOutcome.Done, await project.SetReportOnly(Owner, key.Summary.Id, false));
        Assert.Equal(BrowserAuthenticationOutcome.OriginNotAllowed, (await api.AuthenticateBrowser(pk, "https://shop.example.net", null)).Outcome);
        blocked = Assert.Single((await OriginsOf(project, key)).BlockedOrigins);
        Assert.Equal(3, blocked.Count);
        Assert.False(blocked.LastLetThrough);
        Assert.Equal(OriginChangeOutcome.Done, (await project.AddAllowedOrigin(Owner, key.Summary.Id, blocked.Origin)).Outcome);
        Assert.Empty((await OriginsOf(project, key)).BlockedOrigins);
        Assert.Equal(BrowserAuthenticationOutcome.Authenticated, (await api.AuthenticateBrowser(pk, "https://shop.example.net", null)).Outcome);
    }

    [Fact]
    public async Task AKeyKeepsAtMostFiftyBlockedOriginsDroppingTheLeastRecentlySeen()
    {
        var (project, api, key) = await BrowserKeyAsync(Allowed);
        var pk = key.Summary.PublishableKey;
        for (var i = 0; i < BlockedOriginLog.MaxOrigins; i++)
        {
            await api.AuthenticateBrowser(pk, $"https://site{i}.example.net", null);
            cluster.Clock.Advance(TimeSpan.FromSeconds(1));
        }

        // site0 is seen again, so site1 is now the one seen longest ago.
        await api.AuthenticateBrowser(pk, "https://site0.example.net", null);
        cluster.Clock.Advance(TimeSpan.FromSeconds(1));
        await api.AuthenticateBrowser(pk, "https://one-more.example.net", null);

        var blocked = (await OriginsOf(project, key)).BlockedOrigins;
        Assert.Equal(BlockedOriginLog.MaxOrigins, blocked.Count);
        Assert.Equal("https://one-more.example.net", blocked[0].Origin);
        Assert.Equal(2, blocked.Single(b => b.Origin == "https://site0.example.net").Count);
        Assert.DoesNotContain(blocked, b => b.Origin == "https://site1.example.net");
        Assert.Contains(blocked, b => b.Origin == "https://site2.example.net");
    }

    [Fact]
    public async Task OnlyTheLastSevenDaysAreListedAndCounted()
    {
        var (project, api, key) = await BrowserKeyAsync(Allowed);
        var pk = key.Summary.PublishableKey;
        for (var i = 0; i < 3; i++)
        {
            await api.AuthenticateBrowser(pk, "https://old.example.net", null);
        }

        cluster.Clock.Advance(TimeSpan.FromDays(5));
        await api.AuthenticateBrowser(pk, "https://old.example.net", null);
        await api.AuthenticateBrowser(pk, "https://new.example.net", null);
        Assert.Equal(4, (await OriginsOf(project, key)).BlockedOrigins.Single(b => b.Origin == "https://old.example.net").Count);

        // Eight days after the first three, only the one of day five still counts.
        cluster.Clock.Advance(TimeSpan.FromDays(3));
        var blocked = (await OriginsOf(project, key)).BlockedOrigins;
        Assert.Equal(1, blocked.Single(b => b.Origin == "https://old.example.net").Count);
        Assert.Equal(1, blocked.Single(b => b.Origin == "https://new.example.net").Count);

        cluster.Clock.Advance(TimeSpan.FromDays(BlockedOriginLog.WindowDays));
        Assert.Empty((await OriginsOf(project, key)).BlockedOrigins);
    }

    [Fact]
    public async Task RequireIdentityTokenIsStoredAndRefusesAnonymousBrowserRequestsAfterReactivation()
    {
        var (project, api, key) = await BrowserKeyAsync(Allowed);
        Assert.False((await OriginsOf(project, key)).RequireIdentityToken);

        Assert.Equal(OriginChangeOutcome.Done, await project.SetRequireIdentityToken(Owner, key.Summary.Id, true));
        Assert.True((await StoredKey(project)).RequireIdentityToken);
        await project.AsReference<IGrainManagementExtension>().DeactivateOnIdle();

        Assert.True((await OriginsOf(project, key)).RequireIdentityToken);
        var refused = await api.AuthenticateBrowser(key.Summary.PublishableKey, Allowed, null);
        Assert.Equal(BrowserAuthenticationOutcome.IdentityTokenInvalid, refused.Outcome);
        Assert.Equal(new IdentityTokenError(IdentityTokenProblem.Required), refused.TokenError);
        Assert.False((await OriginsOf(project, key)).ReportOnly, "the other switch is left alone");
    }

    [Fact]
    public async Task BlockedOriginsAndReportOnlySurviveDeactivation()
    {
        var (project, api, key) = await BrowserKeyAsync(Allowed);
        await project.SetReportOnly(Owner, key.Summary.Id, true);
        await api.AuthenticateBrowser(key.Summary.PublishableKey, "https://shop.example.net", null);
        await api.AuthenticateBrowser(key.Summary.PublishableKey, "https://shop.example.net", null);

        // Counted in memory only, like last-used times, until the minute's flush or deactivation.
        Assert.Empty((await StoredKey(project)).BlockedOrigins);

        await project.AsReference<IGrainManagementExtension>().DeactivateOnIdle();
        var stored = await WaitForStoredBlockedOrigin(project);

        Assert.True(stored.ReportOnly);
        var blocked = Assert.Single((await OriginsOf(project, key)).BlockedOrigins);
        Assert.Equal(("https://shop.example.net", 2, true), (blocked.Origin, blocked.Count, blocked.LastLetThrough));
        Assert.True((await OriginsOf(project, key)).ReportOnly);
    }

    [Fact]
    public async Task TestingAnOriginSaysWhichRuleMatchesOrWhyNotAndSavesNothing()
    {
        var (project, _, key) = await BrowserKeyAsync(Allowed, "https://*.example.org");
        var id = key.Summary.Id;

        var exact = await project.TestOrigin(Owner, id, " HTTPS://App.Example.com:443/ ");
        var wildcard = await project.TestOrigin(Owner, id, "https://a.b.example.org");
        var apex = await project.TestOrigin(Owner, id, "https://example.org");
        var invalid = await project.TestOrigin(Owner, id, "https://app.example.com/checkout");
        var pattern = await project.TestOrigin(Owner, id, "https://*.example.com");
        var stranger = await project.TestOrigin("stranger@example.com", id, Allowed);

        Assert.Equal(new OriginTest(OriginTestOutcome.MatchesExactly, Allowed, Allowed, null), exact);
        Assert.Equal(new OriginTest(OriginTestOutcome.MatchesWildcard, "https://a.b.example.org", "https://*.example.org", null), wildcard);
        Assert.Equal(OriginTestOutcome.NotAllowed, apex.Outcome);
        Assert.Equal(OriginTestOutcome.Invalid, invalid.Outcome);
        Assert.Equal(OriginProblem.PathPresent, invalid.Error!.Problem);
        Assert.Equal(OriginTestOutcome.Pattern, pattern.Outcome);
        Assert.Equal(OriginTestOutcome.NotFound, stranger.Outcome);
        Assert.Contains("https://*.example.org", OriginMessages.Tested(wildcard)!.Text);
        Assert.Contains("Remove the path", OriginMessages.Tested(invalid)!.Text);
        Assert.False(OriginMessages.Tested(apex)!.Accepted);

        await project.SetReportOnly(Owner, id, true);
        var reportOnly = await project.TestOrigin(Owner, id, "https://example.org");
        Assert.Equal(OriginTestOutcome.AcceptedByReportOnly, reportOnly.Outcome);
        Assert.True(OriginMessages.Tested(reportOnly)!.Accepted);

        var origins = await OriginsOf(project, key);
        Assert.Equal([Allowed, "https://*.example.org"], origins.Key.AllowedOrigins);
        Assert.Empty(origins.BlockedOrigins);
    }

    private async Task<StoredApiKey> StoredKey(IProjectDashboardGrain project)
    {
        var storage = cluster.SiloServices.GetRequiredKeyedService<IGrainStorage>(StorageNames.Grains);
        var state = new GrainState<ProjectState>(new ProjectState());
        await storage.ReadStateAsync("project", project.GetGrainId(), state);
        return Assert.Single(state.State!.ApiKeys);
    }

    private async Task<StoredApiKey> WaitForStoredBlockedOrigin(IProjectDashboardGrain project)
    {
        // Deactivation runs once the current call is done; give it a moment instead of guessing a delay.
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var stored = await StoredKey(project);
            if (stored.BlockedOrigins.Count > 0)
            {
                return stored;
            }

            await Task.Delay(100);
        }

        Assert.Fail("the deactivated grain did not store its blocked origins");
        return null!;
    }
}
