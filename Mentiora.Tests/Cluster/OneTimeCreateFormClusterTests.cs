using System.Net;
using Mentiora.Tests.Infrastructure;

namespace Mentiora.Tests.Cluster;

/// <summary>The one-time create form holds across silos: the same form sent again through the other silo creates nothing.</summary>
[Collection(SharedTwoSilosCollection.Name)]
public sealed class OneTimeCreateFormClusterTests(SharedTwoSilos silos)
{
    [Fact]
    public async Task ACreateFormSentAgainThroughTheOtherSiloCreatesNothing()
    {
        var cluster = await silos.GetAsync();
        var jarA = new CookieContainer();
        var onA = DashboardClient.Using(cluster.Silos[0].CreateClient(jarA));
        var projectId = await onA.SignUpAsync();
        var settings = $"/projects/{projectId}/settings";
        var formToken = DashboardHtml.CreateFormToken(await onA.GetPageAsync($"{settings}?dialog=create"));
        Assert.NotNull(formToken);
        var fields = new Dictionary<string, string> { ["name"] = "Production", ["formToken"] = formToken };
        using (var created = await onA.PostFormAsync($"{settings}?handler=Create", fields))
        {
            Assert.NotNull(DashboardHtml.CreatedKey(await created.Content.ReadAsStringAsync()));
        }

        // The reload reaches B: the browser's cookies go with it (copied by hand, see ClusterTests).
        var jarB = new CookieContainer();
        foreach (Cookie cookie in jarA.GetCookies(cluster.Silos[0].BaseAddress))
        {
            jarB.Add(cluster.Silos[1].BaseAddress, new Cookie(cookie.Name, cookie.Value, "/"));
        }

        var onB = DashboardClient.Using(cluster.Silos[1].CreateClient(jarB));
        await onB.GetPageAsync(settings);
        using var again = await onB.PostFormAsync($"{settings}?handler=Create", fields);

        var html = await again.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("cannot be shown again", DashboardHtml.Text(html));
        Assert.Null(DashboardHtml.CreatedKey(html));
        Assert.Single(DashboardHtml.KeyRowIds(await onB.GetPageAsync(settings)));
    }
}
