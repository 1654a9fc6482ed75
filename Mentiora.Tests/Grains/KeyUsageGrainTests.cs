using Mentiora.Grains;
using Mentiora.Grains.Projects;
using Mentiora.Grains.Usage;
using Mentiora.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Core.Internal;
using Orleans.Storage;

namespace Mentiora.Tests.Grains;

/// <summary>Per-key usage as the project grain counts it from the silos' reports.</summary>
public sealed class KeyUsageGrainTests(GrainClusterFixture cluster) : IClassFixture<GrainClusterFixture>
{
    private const string Owner = "owner@example.com";

    private static readonly RequestFacts FromSdk = RequestFacts.Of(null, "mentiora-sdk-python/1.2.0", "203.0.113.7");

    private static DateOnly Today => DateOnly.FromDateTime(DateTime.UtcNow);

    private async Task<(IProjectDashboardGrain Dashboard, IProjectApiGrain Api, CreatedApiKey First, CreatedApiKey Second)> NewProjectWithTwoKeys()
    {
        var id = Guid.NewGuid();
        var project = cluster.Grains.GetGrain<IProjectDashboardGrain>(id);
        Assert.True(await project.Create(Owner, "Usage project"));
        var first = (await project.CreateApiKey(Owner, "Production")).Created!;
        var second = (await project.CreateApiKey(Owner, "Staging")).Created!;
        return (project, cluster.Grains.GetGrain<IProjectApiGrain>(id), first, second);
    }

    private static UsageReport Accepted(params AcceptedTraces[] accepted) => new(accepted, []);

    private static UsageReport Refused(params RefusalNotice[] refusals) => new([], refusals);

    private static RefusalNotice Notice(string reference, KeyRefusalReason reason, DateTimeOffset? at = null, string? origin = null) =>
        new(reference, new KeyRefusal(at ?? DateTimeOffset.UtcNow, reason, RequestFacts.Of(origin, "Mozilla/5.0", "198.51.100.4")));

    [Fact]
    public async Task AcceptedTracesAreCountedPerDayAndTheLatestRequestIsLastSeen()
    {
        var (project, api, key, _) = await NewProjectWithTwoKeys();
        var now = DateTimeOffset.UtcNow;
        var yesterday = Today.AddDays(-1);

        await api.RecordUsage(Accepted(new AcceptedTraces(key.Summary.Id, Today, 3, now.AddSeconds(-5), RequestFacts.Of(null, "older-agent", "192.0.2.1"))));
        await api.RecordUsage(Accepted(
            new AcceptedTraces(key.Summary.Id, Today, 2, now, FromSdk),
            new AcceptedTraces(key.Summary.Id, yesterday, 4, now.AddDays(-1), RequestFacts.Of(null, "yesterday-agent", "192.0.2.2"))));

        var usage = (await project.GetKeyUsage(Owner, key.Summary.Id))!;
        Assert.Equal("Production", usage.KeyName);
        Assert.Equal(KeyUsage.DaysKept, usage.Days.Count);
        Assert.Equal(Today, usage.Days[^1].Day);
        Assert.Equal(5, usage.Days[^1].Count);
        Assert.Equal(4, usage.Days[^2].Count);
        Assert.Equal(9, usage.Days.Sum(d => d.Count));
        Assert.Equal(yesterday.Month == Today.Month ? 9 : 5, usage.MonthTotal);
        Assert.Equal(FromSdk, usage.LastSeen);
        Assert.Equal(now, usage.LastSeenAt);
    }

    [Fact]
    public async Task ARefusalCountsOnlyForTheKeyWhosePrefixOrPublishableKeyItNamed()
    {
        var (project, api, first, second) = await NewProjectWithTwoKeys();

        await api.RecordUsage(Refused(
            Notice(first.Summary.Prefix, KeyRefusalReason.InvalidApiKey),
            Notice(first.Summary.Prefix, KeyRefusalReason.InvalidApiKey),
            Notice(second.Summary.PublishableKey, KeyRefusalReason.OriginNotAllowed, origin: "https://evil.example"),
            Notice("nobodys1", KeyRefusalReason.InvalidApiKey)));

        var firstUsage = (await project.GetKeyUsage(Owner, first.Summary.Id))!;
        var tally = Assert.Single(firstUsage.Refusals);
        Assert.Equal((KeyRefusalReason.InvalidApiKey, 2L), (tally.Reason, tally.Count));
        Assert.Equal(2, firstUsage.RecentRefusals.Count);
        Assert.Equal("198.51.100.4", firstUsage.RecentRefusals[0].Facts.ClientAddress);

        var secondUsage = (await project.GetKeyUsage(Owner, second.Summary.Id))!;
        var origins = Assert.Single(secondUsage.Refusals);
        Assert.Equal((KeyRefusalReason.OriginNotAllowed, 1L), (origins.Reason, origins.Count));
        Assert.Equal(["https://evil.example"], origins.Origins);
        Assert.Equal("https://evil.example", Assert.Single(secondUsage.RecentRefusals).Facts.Origin);
    }

    [Fact]
    public async Task OnlyTheLastFourteenDaysAndTheLastDaysRefusalsAreCounted()
    {
        var (project, api, key, _) = await NewProjectWithTwoKeys();

        await api.RecordUsage(new UsageReport(
            [
                new AcceptedTraces(key.Summary.Id, Today.AddDays(-14), 100, DateTimeOffset.UtcNow.AddDays(-14), FromSdk),
                new AcceptedTraces(key.Summary.Id, Today.AddDays(-13), 7, DateTimeOffset.UtcNow.AddDays(-13), FromSdk),
            ],
            [
                Notice(key.Summary.Prefix, KeyRefusalReason.RateLimited, DateTimeOffset.UtcNow.AddHours(-25)),
                Notice(key.Summary.Prefix, KeyRefusalReason.PayloadTooLarge),
            ]));

        var usage = (await project.GetKeyUsage(Owner, key.Summary.Id))!;
        Assert.Equal(Today.AddDays(-13), usage.Days[0].Day);
        Assert.Equal(7, usage.Days[0].Count);
        Assert.Equal(7, usage.Days.Sum(d => d.Count));
        Assert.Equal(KeyRefusalReason.PayloadTooLarge, Assert.Single(usage.Refusals).Reason);
        Assert.Equal(KeyRefusalReason.PayloadTooLarge, usage.RecentRefusals[0].Reason);
    }

    [Fact]
    public async Task TheLatestTwentyRefusalsAreKeptNewestFirst()
    {
        var (project, api, key, _) = await NewProjectWithTwoKeys();
        var start = DateTimeOffset.UtcNow.AddMinutes(-30);

        await api.RecordUsage(Refused(Enumerable.Range(0, 25)
            .Select(i => Notice(key.Summary.Prefix, i == 24 ? KeyRefusalReason.Whitespace : KeyRefusalReason.PrefixOnly, start.AddMinutes(i)))
            .ToArray()));

        var usage = (await project.GetKeyUsage(Owner, key.Summary.Id))!;
        Assert.Equal(KeyUsage.RecentRefusalsKept, usage.RecentRefusals.Count);
        Assert.Equal(KeyRefusalReason.Whitespace, usage.RecentRefusals[0].Reason);
        Assert.Equal(start.AddMinutes(24), usage.RecentRefusals[0].At);
        Assert.Equal(start.AddMinutes(5), usage.RecentRefusals[^1].At);
        Assert.Equal(25, usage.Refusals.Sum(r => r.Count));
    }

    [Fact]
    public async Task UsageIsStoredWhenTheGrainDeactivatesAndReadBackAfterwards()
    {
        var (project, api, key, _) = await NewProjectWithTwoKeys();
        await api.RecordUsage(new UsageReport(
            [new AcceptedTraces(key.Summary.Id, Today, 12, DateTimeOffset.UtcNow, FromSdk)],
            [Notice(key.Summary.Prefix, KeyRefusalReason.InvalidTrace)]));

        await project.AsReference<IGrainManagementExtension>().DeactivateOnIdle();

        var storage = cluster.SiloServices.GetRequiredKeyedService<IGrainStorage>(StorageNames.Grains);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        long stored;
        do
        {
            var state = new GrainState<ProjectState>(new ProjectState());
            await storage.ReadStateAsync("project", project.GetGrainId(), state);
            stored = state.State?.ApiKeys.Find(k => k.Id == key.Summary.Id)?.Usage.Days.Sum(d => d.Count) ?? 0;
        }
        while (stored != 12 && DateTime.UtcNow < deadline && await Task.Delay(50).ContinueWith(_ => true));

        Assert.Equal(12, stored);
        var usage = (await project.GetKeyUsage(Owner, key.Summary.Id))!;
        Assert.Equal(12, usage.Days[^1].Count);
        Assert.Equal(KeyRefusalReason.InvalidTrace, Assert.Single(usage.Refusals).Reason);
        Assert.Equal(FromSdk, usage.LastSeen);
    }

    [Fact]
    public async Task UsageIsOnlyForMembersOfTheProject()
    {
        var (project, _, key, _) = await NewProjectWithTwoKeys();

        Assert.Null(await project.GetKeyUsage("someone-else@example.com", key.Summary.Id));
        Assert.Null(await project.GetKeyUsage(Owner, Guid.NewGuid()));
    }
}
