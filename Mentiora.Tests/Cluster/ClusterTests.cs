using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Mentiora.Harness.Clients;
using Mentiora.Harness.Postgres;
using Mentiora.Harness.Silos;
using Mentiora.Tests.Infrastructure;
using Npgsql;
using Xunit.Abstractions;

namespace Mentiora.Tests.Cluster;

// Inside the namespace, so that it wins over the namespace Mentiora.Tests.Cluster itself.
using Cluster = Mentiora.Harness.Clusters.Cluster;

/// <summary>
/// Two Mentiora processes on one PostgreSQL database, one Orleans cluster, as a load balancer
/// would spread one user's requests over them: what one silo does, the other must see at once.
/// A test that kills, stops or restarts a silo starts its own pair, so a killed or confused silo never leaks into another
/// test; the others share one pair (each in a project of its own), since starting two silo processes is most of their time.
/// </summary>
public sealed partial class ClusterTests(SharedTwoSilos shared, ITestOutputHelper output) : IClassFixture<SharedTwoSilos>
{
    // The app's membership defaults (2 s probe timeout, 2 missed probes) declare a dead silo dead in
    // roughly 10 s; the deadline leaves room for a slow, busy test machine without hiding a hang.
    private static readonly TimeSpan RecoveryDeadline = TimeSpan.FromSeconds(60);

    // A request stuck on a dead silo should give up long before the deadline; longer means it hung.
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(15);

    private const int KeyLimit = 5;

    private static string Settings(Guid projectId) => $"/projects/{projectId}/settings";

    private static string Handler(Guid projectId, string handler) => $"{Settings(projectId)}?handler={handler}";

    [Fact]
    public async Task FortyConcurrentCreatesAcrossBothSilosGiveExactlyFiveKeys()
    {
        var cluster = await shared.GetAsync();
        // One browser whose requests a load balancer spreads over both silos: one cookie jar, which, like a
        // browser's, sends a host's cookies to any of its ports; each silo's client posts with the token of
        // the Settings page it served.
        var cookies = new CookieContainer();
        var onA = DashboardClient.Using(cluster.Silos[0].CreateClient(cookies));
        var onB = DashboardClient.Using(cluster.Silos[1].CreateClient(cookies));
        var projectId = await onA.SignUpAsync();
        await onA.GetPageAsync(Settings(projectId));
        await onB.GetPageAsync(Settings(projectId));

        var posts = Enumerable.Range(0, 40)
            .Select(async i =>
            {
                // B goes first in each pair: the project was made through A, so B's posts are likely the ones that reach its grain remotely.
                var (silo, browser) = i % 2 == 0 ? ("B", onB) : ("A", onA);
                using var response = await browser.PostFormAsync(Handler(projectId, "Create"), new() { ["name"] = $"Race {i}" });
                return (Silo: silo, response.StatusCode, Html: await response.Content.ReadAsStringAsync());
            })
            .ToArray();
        var answers = await Task.WhenAll(posts);

        var summary = string.Join(", ", answers.GroupBy(a => (a.Silo, a.StatusCode)).Select(g => $"{g.Key.Silo}: {g.Count()}×{(int)g.Key.StatusCode}"));
        output.WriteLine($"40 concurrent creates answered {summary}");
        var created = answers.Where(a => a.StatusCode == HttpStatusCode.OK).ToList();
        var refused = answers.Where(a => a.StatusCode == HttpStatusCode.UnprocessableEntity).ToList();
        Assert.True(created.Count + refused.Count == answers.Length,
            $"every create should be either done (200) or refused at the limit (422); got {summary}.\n{cluster.LogTails(30)}");
        Assert.True(created.Count == KeyLimit, $"exactly {KeyLimit} of 40 concurrent creates should succeed; got {summary}");
        Assert.All(refused, r => Assert.Contains($"already has {KeyLimit} API keys", r.Html));
        var keys = created.Select(c => DashboardHtml.CreatedKey(c.Html)).ToList();
        Assert.All(keys, k => Assert.True(k is not null, "each successful create shows the new key"));
        Assert.Equal(KeyLimit, keys.Distinct().Count());

        foreach (var browser in new[] { onA, onB })
        {
            var settings = await browser.GetPageAsync(Settings(projectId));
            Assert.True(DashboardHtml.KeyRowIds(settings).Count == KeyLimit, $"the Settings page on {browser.BaseAddress} should list exactly {KeyLimit} keys");
            Assert.All(keys, k => Assert.Contains(k![..8] + "…", settings));
        }
    }

    [Fact]
    public async Task ARevokeOnOneSiloIsSeenOnTheOthersVeryNextRequest()
    {
        var cluster = await shared.GetAsync();
        var onA = DashboardClient.Using(cluster.Silos[0].CreateClient());
        using var apiOnB = cluster.Silos[1].CreateClient();
        var projectId = await onA.SignUpAsync();
        var key = await onA.CreateApiKeyAsync(projectId, "Production");
        // Several requests, so whatever B keeps about the key is warm before the revoke.
        for (var i = 0; i < 3; i++)
        {
            using var accepted = await apiOnB.SendAsync(TraceEvents.Post(TraceEvents.Valid(), key));
            Assert.True(accepted.StatusCode == HttpStatusCode.Accepted,
                $"a trace sent to B with a key made on A should be accepted, got {(int)accepted.StatusCode}: {await accepted.Content.ReadAsStringAsync()}");
        }

        var keyId = DashboardHtml.KeyRowIds(await onA.GetPageAsync(Settings(projectId)))[0].ToString();
        using var revoked = await onA.PostFormAsync(Handler(projectId, "Revoke"), new() { ["keyId"] = keyId });
        Assert.Equal(HttpStatusCode.Redirect, revoked.StatusCode);

        var day = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

        using var refused = await apiOnB.SendAsync(TraceEvents.Post(TraceEvents.Valid(), key));
        var error = await ApiAssert.Error(refused, HttpStatusCode.Unauthorized, "invalid_api_key");
        // The project grain's answer (the key's tombstone) is the same whichever silo asks; a revoke just before midnight may name either day.
        var yesterday = DateTime.UtcNow.AddMinutes(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        Assert.Contains((string)error["message"]!, new[] { day, yesterday }.Distinct().Select(d => $"This API key was revoked on {d}. Create a new key in Settings → API Keys."));
    }

    [Fact]
    public async Task ASignInCookieFromOneSiloWorksOnTheOtherUntilSignOut()
    {
        var cluster = await shared.GetAsync();
        var email = DashboardClient.NewEmail();
        var projectId = await DashboardClient.Using(cluster.Silos[0].CreateClient()).SignUpAsync(email);
        var jarA = new CookieContainer();
        var onA = DashboardClient.Using(cluster.Silos[0].CreateClient(jarA));
        await onA.GetPageAsync("/signin");
        using var signedIn = await onA.PostFormAsync("/signin", new() { ["Email"] = email, ["Password"] = DashboardClient.Password });
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        var token = DashboardHtml.AntiforgeryToken(await onA.GetPageAsync(Settings(projectId)));
        Assert.True(token is not null, "the Settings page on A carries an antiforgery token");

        // What a browser would send to B after the load balancer switched servers: A's cookies, copied by hand
        // so the test does not depend on how a cookie jar treats two ports of one host.
        var jarB = new CookieContainer();
        var cookiesFromA = jarA.GetCookies(cluster.Silos[0].BaseAddress);
        Assert.Contains(cookiesFromA, c => c.Name == "mentiora.session");
        foreach (Cookie cookie in cookiesFromA)
        {
            jarB.Add(cluster.Silos[1].BaseAddress, new Cookie(cookie.Name, cookie.Value, "/"));
        }

        using var onB = cluster.Silos[1].CreateClient(jarB);
        using var settings = await onB.GetAsync(Settings(projectId));
        Assert.True(settings.StatusCode == HttpStatusCode.OK,
            $"B should accept A's sign-in cookie and show Settings, answered {(int)settings.StatusCode} {settings.Headers.Location}");
        Assert.Contains("API Keys", await settings.Content.ReadAsStringAsync());

        using var create = await onB.PostAsync(Handler(projectId, "Create"), new FormUrlEncodedContent(
        [
            new("name", "Made on B"),
            new("__RequestVerificationToken", token),
        ]));
        var created = await create.Content.ReadAsStringAsync();
        Assert.True(create.StatusCode == HttpStatusCode.OK,
            $"B should accept a form with A's antiforgery token, answered {(int)create.StatusCode}.\n{cluster.Silos[1].OutputTail()}");
        var key = DashboardHtml.CreatedKey(created);
        Assert.True(key is not null, "the key created on B is shown");
        Assert.Contains(key[..8] + "…", await onA.GetPageAsync(Settings(projectId)));

        // Signing out on A ends the session on the server: B refuses the copy of the cookie from then on.
        using var signedOut = await onA.PostFormAsync("/signout", []);
        Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
        using var afterSignOut = await onB.GetAsync(Settings(projectId));
        Assert.Equal(HttpStatusCode.Redirect, afterSignOut.StatusCode);
        Assert.Equal("/signin", afterSignOut.Headers.Location!.AbsolutePath);
    }

    [Fact]
    public async Task WhenASiloIsKilledTheOtherServesAllKeys()
    {
        var keys = new List<string>();
        async Task AddProjectWithTwoKeysAsync(SiloProcess silo)
        {
            var browser = DashboardClient.Using(silo.CreateClient());
            var projectId = await browser.SignUpAsync();
            keys.Add(await browser.CreateApiKeyAsync(projectId, "First"));
            keys.Add(await browser.CreateApiKeyAsync(projectId, "Second"));
        }

        // Orleans places new grains by load, which may put nearly all of them on B; keys made while A
        // is the only silo are sure to have their project and prefix grains on A, the silo to be killed.
        await using var cluster = await StartClusterAsync(async a =>
        {
            await AddProjectWithTwoKeysAsync(a);
            await AddProjectWithTwoKeysAsync(a);
        });
        var keysBornOnA = keys.Count;
        using var apiOnA = cluster.Silos[0].CreateClient();
        using var apiOnB = cluster.Silos[1].CreateClient();
        // More projects through both silos, and traces with every key through both, so grains are active on each.
        foreach (var silo in new[] { cluster.Silos[0], cluster.Silos[1], cluster.Silos[0], cluster.Silos[1] })
        {
            await AddProjectWithTwoKeysAsync(silo);
        }

        foreach (var key in keys)
        {
            foreach (var api in new[] { apiOnA, apiOnB })
            {
                using var accepted = await api.SendAsync(TraceEvents.Post(TraceEvents.Valid(), key));
                Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
            }
        }

        var sinceKill = Stopwatch.StartNew();
        cluster.Silos[0].Kill();
        // In the silos' own timestamp format, to line up with B's membership log below.
        output.WriteLine($"{DateTime.Now:HH:mm:ss.fff} killed A (pid {cluster.Silos[0].ProcessId}) with SIGKILL");
        var outcomes = await Task.WhenAll(keys.Select(key => UntilAcceptedAsync(apiOnB, key, sinceKill)));

        foreach (var (key, outcome, index) in keys.Zip(outcomes).Select((p, i) => (p.First, p.Second, i)))
        {
            var origin = index < keysBornOnA ? "made while A was alone" : "made with both silos up";
            output.WriteLine($"key {key[..8]} ({origin}): 202 after {outcome.AcceptedAfter?.TotalSeconds:0.00} s; before it: {Describe(outcome.Failures)}");
        }

        var failures = outcomes.SelectMany(o => o.Failures).ToList();
        var unauthorized = failures.Where(f => f.Status == 401).Select(f => $"{f.Outcome}: {f.ErrorMessage}").Distinct().ToList();
        Assert.True(unauthorized.Count == 0,
            $"a valid key must never be refused while a silo recovers; B answered {string.Join(" | ", unauthorized)}.\n{cluster.Silos[1].OutputTail()}");
        // What the SDKs ride out: a JSON 503 with Retry-After, or a lost connection. Anything else (a 500 too) is an error to fix.
        var breaches = failures.Select(FaultOracle.Breach).OfType<string>().Distinct().ToList();
        Assert.True(breaches.Count == 0,
            $"while a silo recovers only a JSON 503 with Retry-After (or a lost connection) may be answered; B answered {string.Join(" | ", breaches)}.\n{cluster.Silos[1].OutputTail()}");
        var stuck = keys.Zip(outcomes).Where(p => p.Second.AcceptedAfter is null).ToList();
        Assert.True(stuck.Count == 0,
            $"{stuck.Count} of {keys.Count} keys were still not served by B {RecoveryDeadline.TotalSeconds:0} s after A was killed: "
            + $"{string.Join("; ", stuck.Select(p => $"{p.First[..8]}: {Describe(p.Second.Failures)}"))}.\n{cluster.Silos[1].OutputTail()}");
        var recovery = outcomes.Max(o => o.AcceptedAfter!.Value);
        output.WriteLine($"B served every one of {keys.Count} keys {recovery.TotalSeconds:0.00} s after A was killed; "
            + $"{failures.Count} requests failed in the meantime: {Describe(failures)}.");
        foreach (var line in cluster.Silos[1].OutputLines().Where(l => l.Contains("MembershipTableManager", StringComparison.Ordinal)))
        {
            output.WriteLine($"B: {line}");
        }
    }

    [Fact]
    public async Task AStoppingSiloStoresEveryTraceItAcknowledged()
    {
        await using var cluster = await StartClusterAsync();
        var onA = DashboardClient.Using(cluster.Silos[0].CreateClient());
        var email = DashboardClient.NewEmail();
        var projectId = await onA.SignUpAsync(email);
        var key = await onA.CreateApiKeyAsync(projectId, "Production");
        using var apiOnA = cluster.Silos[0].CreateClient();
        var traces = Enumerable.Range(0, 400).Select(_ => TraceEvents.Valid()).ToArray();
        var answers = new HttpStatusCode?[traces.Length];
        var sent = 0;

        // Sixteen clients keep sending while A is asked to stop (SIGTERM, as an orchestrator does).
        var clients = Enumerable.Range(0, 16).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref sent) - 1) < traces.Length)
            {
                try
                {
                    using var response = await apiOnA.SendAsync(TraceEvents.Post(traces[i], key));
                    answers[i] = response.StatusCode;
                }
                catch (HttpRequestException)
                {
                    answers[i] = null;
                }
            }
        }).ToArray();
        while (Volatile.Read(ref sent) < 100)
        {
            await Task.Delay(5);
        }

        using (var term = Process.Start("kill", ["-TERM", cluster.Silos[0].ProcessId.ToString(CultureInfo.InvariantCulture)]))
        {
            await term.WaitForExitAsync();
        }

        await Task.WhenAll(clients);
        var deadline = Stopwatch.StartNew();
        while (!cluster.Silos[0].HasExited && deadline.Elapsed < RecoveryDeadline)
        {
            await Task.Delay(100);
        }

        Assert.True(cluster.Silos[0].HasExited, $"A should stop by itself after SIGTERM.\n{cluster.Silos[0].OutputTail()}");
        var acknowledged = traces.Where((_, i) => answers[i] == HttpStatusCode.Accepted).Select(t => Guid.Parse((string)t["trace_id"]!)).ToHashSet();
        output.WriteLine($"{acknowledged.Count} of {traces.Length} acknowledged before A stopped; others: " +
            string.Join(", ", answers.Where(a => a != HttpStatusCode.Accepted).GroupBy(a => a?.ToString() ?? "connection error").Select(g => $"{g.Count()}×{g.Key}")));
        Assert.NotEmpty(acknowledged);
        Assert.All(answers, a => Assert.True(a is null or HttpStatusCode.Accepted or HttpStatusCode.ServiceUnavailable, $"unexpected answer {a}"));

        Assert.Empty(acknowledged.Except(await StoredTraces.TraceIdsAsync(cluster.ConnectionString)));

        // A wrote the key's last-used time as it stopped; B reads it from storage.
        var onB = DashboardClient.Using(cluster.Silos[1].CreateClient());
        await onB.GetPageAsync("/signin");
        using var signedIn = await onB.PostFormAsync("/signin", new() { ["Email"] = email, ["Password"] = DashboardClient.Password });
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Matches("<td class=\"last-used\">\\s*<time", await onB.GetPageAsync(Settings(projectId)));
    }

    [Fact]
    public async Task AnEventRetriedOnTheOtherSiloIsStoredOnce()
    {
        var cluster = await shared.GetAsync();
        var onA = DashboardClient.Using(cluster.Silos[0].CreateClient());
        var projectId = await onA.SignUpAsync();
        var key = await onA.CreateApiKeyAsync(projectId, "Production");
        using var apiOnA = cluster.Silos[0].CreateClient();
        using var apiOnB = cluster.Silos[1].CreateClient();
        var traces = Enumerable.Range(0, 20).Select(_ => TraceEvents.Valid()).ToArray();

        // Each event goes to both silos at once, as a retry after a timeout may.
        var answers = await Task.WhenAll(traces.SelectMany(t => new[] { apiOnA, apiOnB }.Select(api => api.SendAsync(TraceEvents.Post(t, key)))));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Accepted, a.StatusCode));
        await using var connection = new NpgsqlConnection(cluster.ConnectionString);
        await connection.OpenAsync();
        // This project's rows only: the other tests of the class send traces to the same database.
        await using var count = new NpgsqlCommand("SELECT COUNT(*), COUNT(DISTINCT span_id) FROM traces WHERE project_id = @project", connection);
        count.Parameters.AddWithValue("project", projectId);
        await using var reader = await count.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal(traces.Length, reader.GetInt64(0));
        Assert.Equal(traces.Length, reader.GetInt64(1));
    }

    [Fact]
    public async Task TheLimitAndRevocationsHoldWhileASiloRestarts()
    {
        var email = DashboardClient.NewEmail();
        Guid projectId = default;
        string kept = string.Empty, revoked = string.Empty;
        await using var cluster = await TestClusters.StartTwoSilosAsync(async a =>
        {
            // The project's grain lives on A, so the restart really moves it.
            var onA = DashboardClient.Using(a.CreateClient());
            projectId = await onA.SignUpAsync(email);
            kept = await onA.CreateApiKeyAsync(projectId, "Kept");
            revoked = await onA.CreateApiKeyAsync(projectId, "Revoked");
            var revokedId = DashboardHtml.KeyRowIds(await onA.GetPageAsync(Settings(projectId))).Last().ToString();
            using var revoke = await onA.PostFormAsync(Handler(projectId, "Revoke"), new() { ["keyId"] = revokedId });
            Assert.Equal(HttpStatusCode.Redirect, revoke.StatusCode);
        });
        var jar = new CookieContainer();
        var onB = DashboardClient.Using(cluster.Silos[1].CreateClient(jar));
        await onB.GetPageAsync("/signin");
        using (var signIn = await onB.PostFormAsync("/signin", new() { ["Email"] = email, ["Password"] = DashboardClient.Password }))
        {
            Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        }

        await onB.GetPageAsync(Settings(projectId));

        // A dies and comes back while B keeps creating keys and using the revoked one.
        cluster.Silos[0].Kill();
        var restarted = cluster.StartSiloAsync("A2");
        var answers = new List<HttpStatusCode>();
        using var apiOnB = cluster.Silos[1].CreateClient();
        for (var i = 0; i < 12; i++)
        {
            using var create = await onB.PostFormAsync(Handler(projectId, "Create"), new() { ["name"] = $"During restart {i}" });
            answers.Add(create.StatusCode);
            using var withRevoked = await apiOnB.SendAsync(TraceEvents.Post(TraceEvents.Valid(), revoked));
            Assert.NotEqual(HttpStatusCode.Accepted, withRevoked.StatusCode);
            await Task.Delay(250);
        }

        var a2 = await restarted;
        output.WriteLine($"creates during the restart answered {string.Join(", ", answers.GroupBy(a => a).Select(g => $"{g.Count()}×{(int)g.Key}"))}");

        // One key was kept, so at most four creates can have succeeded, and the project ends with exactly five keys.
        Assert.InRange(answers.Count(a => a == HttpStatusCode.OK), 0, 4);
        var onA2 = DashboardClient.Using(a2.CreateClient(jar));
        var settings = await onA2.GetPageAsync(Settings(projectId));
        Assert.InRange(DashboardHtml.KeyRowIds(settings).Count, 1, KeyLimit);
        Assert.DoesNotContain(revoked[..8] + "…", DashboardHtml.ApiKeysCard(settings));
        using var apiOnA2 = a2.CreateClient();
        await ApiAssert.Error(await apiOnA2.SendAsync(TraceEvents.Post(TraceEvents.Valid(), revoked)), HttpStatusCode.Unauthorized, "invalid_api_key");
        Assert.Equal(HttpStatusCode.Accepted, (await apiOnA2.SendAsync(TraceEvents.Post(TraceEvents.Valid(), kept))).StatusCode);

        // Creating more now is refused at the limit, on either silo.
        for (var i = DashboardHtml.KeyRowIds(settings).Count; i < KeyLimit; i++)
        {
            using var create = await onA2.PostFormAsync(Handler(projectId, "Create"), new() { ["name"] = $"After restart {i}" });
            Assert.Equal(HttpStatusCode.OK, create.StatusCode);
        }

        await onB.GetPageAsync(Settings(projectId));
        using var sixth = await onB.PostFormAsync(Handler(projectId, "Create"), new() { ["name"] = "One too many" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, sixth.StatusCode);
        Assert.Equal(KeyLimit, DashboardHtml.KeyRowIds(await onA2.GetPageAsync(Settings(projectId))).Count);
    }

    private async Task<Cluster> StartClusterAsync(Func<SiloProcess, Task>? whileAIsAlone = null)
    {
        var cluster = await TestClusters.StartTwoSilosAsync(whileAIsAlone);
        output.WriteLine($"silo A was ready {cluster.Silos[0].StartupTime.TotalSeconds:0.0} s after its start, B {cluster.Silos[1].StartupTime.TotalSeconds:0.0} s after its own");
        return cluster;
    }

    // Sends a trace with the key until B stores it (as the SDK retries 5xx); 401 stops at once, since the SDK
    // would give up and the customer would lose traces.
    private static async Task<(TimeSpan? AcceptedAfter, List<DeliveryAttempt> Failures)> UntilAcceptedAsync(HttpClient api, string key, Stopwatch sinceKill)
    {
        var failures = new List<DeliveryAttempt>();
        while (sinceKill.Elapsed < RecoveryDeadline)
        {
            using var timeout = new CancellationTokenSource(RequestTimeout);
            var startedAt = sinceKill.Elapsed;
            try
            {
                using var response = await api.SendAsync(TraceEvents.Post(TraceEvents.Valid(), key), timeout.Token);
                if (response.StatusCode == HttpStatusCode.Accepted)
                {
                    return (sinceKill.Elapsed, failures);
                }

                failures.Add(await SdkLikeSender.DescribeAsync(response, startedAt, sinceKill, timeout.Token));
                if (response.StatusCode == HttpStatusCode.Unauthorized)
                {
                    return (null, failures);
                }
            }
            catch (OperationCanceledException)
            {
                failures.Add(new DeliveryAttempt(startedAt, sinceKill.Elapsed - startedAt, null, AttemptFailure.Timeout, null, null, false, null, null, null));
            }
            catch (HttpRequestException)
            {
                failures.Add(new DeliveryAttempt(startedAt, sinceKill.Elapsed - startedAt, null, AttemptFailure.LostConnection, null, null, false, null, null, null));
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }

        return (null, failures);
    }

    private static string Describe(IReadOnlyCollection<DeliveryAttempt> failures) =>
        failures.Count == 0
            ? "nothing failed"
            : string.Join(", ", failures.GroupBy(f => $"{f.Outcome}{(f.RetryAfterPresent ? " Retry-After" : string.Empty)}").Select(g => $"{g.Count()}× {g.Key}"));
}
