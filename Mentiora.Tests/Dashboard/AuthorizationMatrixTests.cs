using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Mentiora.Grains.Accounts;
using Mentiora.Grains.Projects;
using Mentiora.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.RazorPages.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Mentiora.Tests.Dashboard;

/// <summary>
/// Every project page, handler and partial, asked by someone who may not see it: an anonymous
/// visitor is sent to sign in, a member of another project and a removed member get 404, and
/// none of them gets any of the project's data or changes anything. The pages are found in the
/// running app, so a new one cannot be left out of the table unnoticed.
/// </summary>
public sealed partial class AuthorizationMatrixTests(EmbeddedDashboardAppFixture fixture) : LeakCheckedTests(fixture.App), IClassFixture<EmbeddedDashboardAppFixture>
{
    private const string TraceName = "Quarterly forecast pipeline";

    // Every handler of every route under a project, as (route pattern, method, handler, form fields).
    // To add a route: add a line with its pattern exactly as the app declares it (the @page or
    // [Route] text, without the leading slash), the method (GET or POST), the handler name (null
    // for OnGet/OnPost) and the fields a real form would send (for a GET they go in the query
    // string). Route values such as {keyId} or {traceId} are filled from ProjectData by name; a
    // new one needs a property there holding a real row of the project, so the owner's answer is
    // not 404. The discovery test below fails until every route the app serves is listed here.
    private static readonly Entry[] Routes =
    [
        new("projects/{projectId:guid}/settings", "GET", null, _ => []),
        new("projects/{projectId:guid}/settings", "GET", "Origins", d => new() { ["keyId"] = d.KeyId.ToString() }),
        new("projects/{projectId:guid}/settings", "GET", "Activity", _ => []),
        new("projects/{projectId:guid}/activity.csv", "GET", null, _ => []),
        new("projects/{projectId:guid}/settings", "POST", "Create", _ => new() { ["name"] = "intruder" }),
        new("projects/{projectId:guid}/settings", "POST", "Rename", d => new() { ["keyId"] = d.KeyId.ToString(), ["name"] = "intruder" }),
        new("projects/{projectId:guid}/settings", "POST", "Revoke", d => new() { ["keyId"] = d.KeyId.ToString() }),
        new("projects/{projectId:guid}/settings", "GET", "Roll", d => new() { ["keyId"] = d.KeyId.ToString() }),
        new("projects/{projectId:guid}/settings", "POST", "Roll", d => new() { ["keyId"] = d.KeyId.ToString(), ["grace"] = "Now" }),
        new("projects/{projectId:guid}/settings", "POST", "AddOrigin", d => new() { ["keyId"] = d.KeyId.ToString(), ["origin"] = "https://evil.example.com" }),
        new("projects/{projectId:guid}/settings", "POST", "RemoveOrigin", d => new() { ["keyId"] = d.KeyId.ToString(), ["origin"] = "https://app.example.com" }),
        new("projects/{projectId:guid}/settings", "POST", "ReportOnly", d => new() { ["keyId"] = d.KeyId.ToString(), ["reportOnly"] = "true" }),
        new("projects/{projectId:guid}/settings", "POST", "RequireIdentityToken", d => new() { ["keyId"] = d.KeyId.ToString(), ["requireIdentityToken"] = "true" }),
        new("projects/{projectId:guid}/settings", "POST", "RollSigningSecret", d => new() { ["keyId"] = d.KeyId.ToString(), ["grace"] = "Now", ["formToken"] = "AAAAAAAAAAAAAAAAAAAAAA" }),
        new("projects/{projectId:guid}/settings", "POST", "RollPublishableKey", d => new() { ["keyId"] = d.KeyId.ToString(), ["grace"] = "Now" }),
        new("projects/{projectId:guid}/settings", "POST", "AddMember", _ => new() { ["email"] = "intruder@example.com" }),
        new("projects/{projectId:guid}/settings", "POST", "RemoveMember", _ => new() { ["member"] = "someone@example.com" }),
        new("projects/{projectId:guid}/traces", "GET", null, _ => []),
        new("projects/{projectId:guid}/traces/{traceRowId:long}", "GET", null, _ => []),
        new("projects/{projectId:guid}/keys/{keyId:guid}/usage", "GET", null, _ => []),
    ];

    [Fact]
    public async Task EveryPageAndHandlerUnderAProjectThatTheAppServesIsInTheTable()
    {
        var served = await ServedProjectRoutesAsync();

        Assert.True(served.Count > 0, "found no project pages: the discovery is broken");
        var missing = served.Where(s => !Routes.Any(r => r.Key == s)).ToList();
        Assert.True(missing.Count == 0,
            "these project routes are not in the authorization table (add a line to Routes): " + string.Join(", ", missing));
        var stale = Routes.Select(r => r.Key).Where(k => !served.Contains(k)).ToList();
        Assert.True(stale.Count == 0, "the table lists routes the app does not serve: " + string.Join(", ", stale));
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
        var data = await SendTraceAsync(owner, projectId, keyId, key);

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
        var tracesBefore = await owner.GetPageAsync($"/projects/{projectId}/traces");
        foreach (var (who, visitor, expected) in new[]
                 {
                     ("anonymous", anonymous, HttpStatusCode.Redirect),
                     ("member of another project", stranger, HttpStatusCode.NotFound),
                     ("removed member", removed, HttpStatusCode.NotFound),
                 })
        {
            // Their own pages give them valid antiforgery tokens, as a real attacker would have.
            await visitor.GetPageAsync(who == "anonymous" ? "/signin" : "/projects/new");
            foreach (var entry in Routes)
            {
                foreach (var htmx in new[] { false, true })
                {
                    var (label, response) = await AskAsync(visitor, entry, data, htmx);
                    using (response)
                    {
                        var body = await response.Content.ReadAsStringAsync();
                        label = $"{who}: {label}";
                        Assert.True(response.StatusCode == expected, $"{label} answered {(int)response.StatusCode}");
                        if (expected == HttpStatusCode.Redirect)
                        {
                            Assert.StartsWith("/signin", response.Headers.Location!.PathAndQuery);
                        }

                        Assert.False(body.Contains(key[..8], StringComparison.Ordinal), $"{label} showed the key's prefix");
                        Assert.False(body.Contains("Production", StringComparison.Ordinal), $"{label} showed the key's name");
                        Assert.False(body.Contains(ownerEmail, StringComparison.OrdinalIgnoreCase), $"{label} showed the owner's address");
                        Assert.False(body.Contains(TraceName, StringComparison.Ordinal), $"{label} showed a trace's name");
                    }
                }
            }
        }

        // Nothing changed: same keys, names, origins, members and traces, and the key still works.
        Assert.Equal(Normalize(before), Normalize(await owner.GetPageAsync($"{settings}?origins={keyId}")));
        Assert.Equal(Normalize(tracesBefore), Normalize(await owner.GetPageAsync($"/projects/{projectId}/traces")));
        Assert.Equal(HttpStatusCode.Accepted, (await owner.Http.SendAsync(TraceEvents.Post(TraceEvents.Valid(), key))).StatusCode);
    }

    [Fact]
    public async Task TheOwnerIsAnsweredOnEveryRouteOfTheTable()
    {
        var owner = fixture.NewVisitor();
        var ownerEmail = DashboardClient.NewEmail();
        var firstProject = await owner.SignUpAsync(ownerEmail);
        var account = ownerEmail.ToLowerInvariant();
        var shared = await ProjectWithDataAsync(owner, account, firstProject);
        foreach (var entry in Routes)
        {
            foreach (var htmx in new[] { false, true })
            {
                // A change (a revoke, a removed origin) must not decide another request's answer: each
                // form is posted in a project of its own; pages and partials only read, so they share one.
                var data = entry.Method == "GET"
                    ? shared
                    : await ProjectWithDataAsync(owner, account, await fixture.App.Grains.GetGrain<IUserGrain>(account).CreateProject("Owner's project"));
                await owner.GetPageAsync($"/projects/{data.ProjectId}/settings");
                var (label, response) = await AskAsync(owner, entry, data, htmx);
                using (response)
                {
                    var status = (int)response.StatusCode;
                    Assert.True(response.StatusCode != HttpStatusCode.NotFound && status < 500, $"owner: {label} answered {status}");
                }
            }
        }
    }

    // Sends one entry's request: a GET with its fields in the query string, or a form post.
    private static async Task<(string Label, HttpResponseMessage Response)> AskAsync(DashboardClient visitor, Entry entry, ProjectData data, bool htmx)
    {
        var query = entry.Handler is null ? new List<string>() : [$"handler={entry.Handler}"];
        var fields = entry.Fields(data);
        if (entry.Method == "GET")
        {
            query.AddRange(fields.Select(f => $"{Uri.EscapeDataString(f.Key)}={Uri.EscapeDataString(f.Value)}"));
        }

        var url = "/" + Fill(entry.Pattern, data) + (query.Count > 0 ? "?" + string.Join('&', query) : string.Empty);
        var response = entry.Method == "GET" ? await Get(visitor, url, htmx) : await visitor.PostFormAsync(url, fields, htmx);
        return ($"{entry.Method} {url} (htmx: {htmx})", response);
    }

    // Puts the project's real ids in place of the route's parameters, by name.
    private static string Fill(string pattern, ProjectData data) =>
        RouteParameter().Replace(pattern, m => m.Groups[1].Value switch
        {
            "projectId" => data.ProjectId.ToString(),
            "keyId" => data.KeyId.ToString(),
            "traceRowId" => data.TraceRowId?.ToString(System.Globalization.CultureInfo.InvariantCulture)
                ?? throw new InvalidOperationException($"the route {pattern} takes a trace row number, and the Traces page links to none"),
            "traceId" => data.TraceId.ToString(),
            "spanId" => data.SpanId.ToString(),
            "threadId" => data.ThreadId.ToString(),
            var name => throw new InvalidOperationException($"the route {pattern} has a parameter {{{name}}}: add a real value for it to ProjectData"),
        });

    // A project of the owner's with a key (an allowed origin on it) and a stored trace, through the grains and the ingestion API.
    private async Task<ProjectData> ProjectWithDataAsync(DashboardClient owner, string account, Guid projectId)
    {
        var project = fixture.App.Grains.GetGrain<IProjectDashboardGrain>(projectId);
        var created = await project.CreateApiKey(account, "Staging");
        var keyId = created.Created!.Summary.Id;
        await project.AddAllowedOrigin(account, keyId, "https://app.example.com");
        return await SendTraceAsync(owner, projectId, keyId, created.Created.Key.Reveal());
    }

    // Sends a real trace with the project's key and waits for the Traces page to show it, so trace URLs point at a stored row.
    private static async Task<ProjectData> SendTraceAsync(DashboardClient owner, Guid projectId, Guid keyId, string key)
    {
        var trace = TraceEvents.Valid();
        trace["name"] = TraceName;
        using var sent = await owner.Http.SendAsync(TraceEvents.Post(trace, key));
        Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
        var list = await owner.GetPageAsync($"/projects/{projectId}/traces");
        Assert.Contains(TraceName, list);
        // Only a list that links spans by row number gives one; routes by trace id need none.
        var row = TraceRowLink().Match(list);
        return new ProjectData(projectId, keyId, row.Success ? long.Parse(row.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : null,
            Id(trace, "trace_id"), Id(trace, "span_id"), Id(trace, "thread_id"));
    }

    private static Guid Id(JsonObject trace, string field) => Guid.Parse((string)trace[field]!);

    // Every (pattern, method, handler) the running app serves under /projects/{projectId}: Razor
    // pages with the handlers the framework itself finds on their models (OnGet, OnPost,
    // OnGet{Name}, OnPost{Name}, synchronous or Async), and controllers or other endpoints with their methods.
    private async Task<HashSet<RouteKey>> ServedProjectRoutesAsync()
    {
        var services = fixture.App.Services;
        var pages = services.GetRequiredService<PageLoader>();
        var served = new HashSet<RouteKey>();
        foreach (var endpoint in services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var pattern = endpoint.RoutePattern.RawText?.TrimStart('/') ?? string.Empty;
            if (!pattern.Contains("{projectId", StringComparison.Ordinal))
            {
                continue;
            }

            var action = endpoint.Metadata.GetMetadata<ActionDescriptor>();
            if (action is PageActionDescriptor page)
            {
                var compiled = page as CompiledPageActionDescriptor ?? await pages.LoadAsync(page, endpoint.Metadata);
                if (compiled.HandlerMethods.Count == 0)
                {
                    served.Add(new RouteKey(pattern, "GET", null));
                }

                foreach (var handler in compiled.HandlerMethods)
                {
                    served.Add(new RouteKey(pattern, handler.HttpMethod.ToUpperInvariant(), string.IsNullOrEmpty(handler.Name) ? null : handler.Name));
                }

                continue;
            }

            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [];
            foreach (var method in methods.Count > 0 ? methods : ["GET"])
            {
                served.Add(new RouteKey(pattern, method.ToUpperInvariant(), null));
            }
        }

        return served;
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

    // Antiforgery tokens, the create form's one-time token and relative times differ on every render.
    [GeneratedRegex("value=\"CfDJ8[^\"]*\"|name=\"formToken\" value=\"[^\"]*\"|content=\"CfDJ8[^\"]*\"|<time[^>]*>[^<]*</time>|<span class=\"muted\">Never</span>")]
    private static partial Regex RelativeParts();

    [GeneratedRegex("\\{(\\w+)[^}]*\\}")]
    private static partial Regex RouteParameter();

    [GeneratedRegex("/projects/[0-9a-f-]{36}/traces/(\\d+)")]
    private static partial Regex TraceRowLink();

    /// <summary>One route under a project and how to ask it.</summary>
    private sealed record Entry(string Pattern, string Method, string? Handler, Func<ProjectData, Dictionary<string, string>> Fields)
    {
        public RouteKey Key => new(Pattern, Method, Handler);
    }

    /// <summary>What identifies a route's handler: its pattern, HTTP method and handler name (null for OnGet/OnPost).</summary>
    private sealed record RouteKey(string Pattern, string Method, string? Handler)
    {
        public override string ToString() => $"{Method} /{Pattern}" + (Handler is null ? string.Empty : $"?handler={Handler}");
    }

    /// <summary>The real rows of one project the table's URLs point at.</summary>
    private sealed record ProjectData(Guid ProjectId, Guid KeyId, long? TraceRowId, Guid TraceId, Guid SpanId, Guid ThreadId);
}
