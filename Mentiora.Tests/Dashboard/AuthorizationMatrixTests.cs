using System.Net;
using System.Reflection;
using System.Text.RegularExpressions;
using Mentiora.Tests.Infrastructure;
using Mentiora.Web.Pages.Projects;

namespace Mentiora.Tests.Dashboard;

/// <summary>
/// Every project page, handler and partial, asked by someone who may not see it: an anonymous
/// visitor is sent to sign in, a member of another project and a removed member get 404, and
/// none of them gets any of the project's data or changes anything.
/// </summary>
public sealed partial class AuthorizationMatrixTests(EmbeddedDashboardAppFixture fixture) : LeakCheckedTests(fixture.App), IClassFixture<EmbeddedDashboardAppFixture>
{
    // Every handler of every project page, as (method, handler, form fields); the test below fails when a page gains one not listed.
    private static readonly (string Page, string Method, string? Handler, Func<Guid, Dictionary<string, string>> Fields)[] Routes =
    [
        ("settings", "GET", null, _ => []),
        ("settings", "GET", "Origins", key => new() { ["keyId"] = key.ToString() }),
        ("settings", "GET", "Activity", _ => []),
        ("activity.csv", "GET", null, _ => []),
        ("settings", "POST", "Create", _ => new() { ["name"] = "intruder" }),
        ("settings", "POST", "Rename", key => new() { ["keyId"] = key.ToString(), ["name"] = "intruder" }),
        ("settings", "POST", "Revoke", key => new() { ["keyId"] = key.ToString() }),
        ("settings", "GET", "Roll", key => new() { ["keyId"] = key.ToString() }),
        ("settings", "POST", "Roll", key => new() { ["keyId"] = key.ToString(), ["grace"] = "Now" }),
        ("settings", "POST", "AddOrigin", key => new() { ["keyId"] = key.ToString(), ["origin"] = "https://evil.example.com" }),
        ("settings", "POST", "RemoveOrigin", key => new() { ["keyId"] = key.ToString(), ["origin"] = "https://app.example.com" }),
        ("settings", "POST", "ReportOnly", key => new() { ["keyId"] = key.ToString(), ["reportOnly"] = "true" }),
        ("settings", "POST", "RequireIdentityToken", key => new() { ["keyId"] = key.ToString(), ["requireIdentityToken"] = "true" }),
        ("settings", "POST", "RollSigningSecret", key => new() { ["keyId"] = key.ToString(), ["grace"] = "Now", ["formToken"] = "AAAAAAAAAAAAAAAAAAAAAA" }),
        ("settings", "POST", "RollPublishableKey", key => new() { ["keyId"] = key.ToString(), ["grace"] = "Now" }),
        ("settings", "POST", "AddMember", _ => new() { ["email"] = "intruder@example.com" }),
        ("settings", "POST", "RemoveMember", _ => new() { ["member"] = "someone@example.com" }),
        ("settings", "POST", "TraceRetention", _ => new() { ["days"] = "7" }),
        ("traces", "GET", null, _ => []),
        ("traces/1", "GET", null, _ => []),
        ("keys/{key}/usage", "GET", null, _ => []),
    ];

    [Fact]
    public void TheTableListsEveryHandlerOfTheProjectPages()
    {
        var handlers = new[] { typeof(SettingsModel), typeof(TracesModel), typeof(TraceDetailModel), typeof(KeyUsageModel), typeof(ActivityCsvModel) }
            .SelectMany(page => page.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Select(m => HandlerName().Match(m.Name))
            .Where(m => m.Success)
            .Select(m => (Method: m.Groups[1].Value.ToUpperInvariant(), Handler: m.Groups[2].Value))
            .Distinct();

        Assert.All(handlers, h => Assert.Contains(Routes, r => r.Method == h.Method && (r.Handler ?? string.Empty) == h.Handler));
    }

    [Fact]
    public async Task NoOneOutsideTheProjectSeesOrChangesAnything()
    {
        var owner = fixture.NewVisitor();
        var ownerEmail = DashboardClient.NewEmail();
        var projectId = await owner.SignUpAsync(ownerEmail);
        var settings = $"/projects/{projectId}/settings";
        await owner.GetPageAsync(settings);
        var created = await owner.PostFormAsync($"{settings}?handler=Create", new() { ["name"] = "Production" });
        var key = DashboardHtml.CreatedKey(await created.Content.ReadAsStringAsync())!;
        var keyId = DashboardHtml.KeyRowIds(await owner.GetPageAsync(settings))[0];
        await owner.PostFormAsync($"{settings}?handler=AddOrigin", new() { ["keyId"] = keyId.ToString(), ["origin"] = "https://app.example.com" });

        var anonymous = fixture.NewVisitor();
        var stranger = fixture.NewVisitor();
        await stranger.SignUpAsync();
        var removedEmail = DashboardClient.NewEmail();
        var removed = fixture.NewVisitor();
        await removed.SignUpAsync(removedEmail);
        await owner.GetPageAsync(settings);
        await owner.PostFormAsync($"{settings}?handler=AddMember", new() { ["email"] = removedEmail });
        await removed.GetPageAsync(settings);
        await owner.PostFormAsync($"{settings}?handler=RemoveMember", new() { ["member"] = removedEmail });

        // With the key's Allowed origins dialog open, so its report-only switch is compared too.
        var before = await owner.GetPageAsync($"{settings}?origins={keyId}");
        foreach (var (who, visitor, expected) in new[]
                 {
                     ("anonymous", anonymous, HttpStatusCode.Redirect),
                     ("member of another project", stranger, HttpStatusCode.NotFound),
                     ("removed member", removed, HttpStatusCode.NotFound),
                 })
        {
            // Their own pages give them valid antiforgery tokens, as a real attacker would have.
            await visitor.GetPageAsync(who == "anonymous" ? "/signin" : "/projects/new");
            foreach (var (page, method, handler, fields) in Routes)
            {
                foreach (var htmx in new[] { false, true })
                {
                    var url = $"/projects/{projectId}/{page.Replace("{key}", keyId.ToString())}" + (handler is null ? string.Empty : $"?handler={handler}");
                    using var response = method == "GET"
                        ? await Get(visitor, url + (handler is null ? string.Empty : $"&keyId={keyId}"), htmx)
                        : await visitor.PostFormAsync(url, fields(keyId), htmx);
                    var body = await response.Content.ReadAsStringAsync();
                    var label = $"{who}: {method} {url} (htmx: {htmx})";
                    Assert.True(response.StatusCode == expected, $"{label} answered {(int)response.StatusCode}");
                    if (expected == HttpStatusCode.Redirect)
                    {
                        Assert.StartsWith("/signin", response.Headers.Location!.PathAndQuery);
                    }

                    Assert.DoesNotContain(key[..8], body);
                    Assert.DoesNotContain("Production", body);
                    Assert.DoesNotContain(ownerEmail, body);
                }
            }
        }

        // Nothing changed: same keys, names, origins and members.
        Assert.Equal(Normalize(before), Normalize(await owner.GetPageAsync($"{settings}?origins={keyId}")));
        Assert.Equal(HttpStatusCode.Accepted, (await owner.Http.SendAsync(TraceEvents.Post(TraceEvents.Valid(), key))).StatusCode);
    }

    private static Task<HttpResponseMessage> Get(DashboardClient visitor, string url, bool htmx)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (htmx)
        {
            request.Headers.Add("HX-Request", "true");
        }

        return visitor.Http.SendAsync(request);
    }

    // Tokens and relative times differ between two renderings of the same data.
    private static string Normalize(string html) => RelativeParts().Replace(html, string.Empty);

    [GeneratedRegex("^On(Get|Post)(\\w*?)Async$")]
    private static partial Regex HandlerName();

    // Antiforgery tokens, the create form's one-time token and relative times differ on every render.
    [GeneratedRegex("value=\"CfDJ8[^\"]*\"|name=\"formToken\" value=\"[^\"]*\"|content=\"CfDJ8[^\"]*\"|<time[^>]*>[^<]*</time>|<span class=\"muted\">Never</span>")]
    private static partial Regex RelativeParts();
}
