using System.Net;
using System.Text.RegularExpressions;

namespace Mentiora.Tests.Infrastructure;

/// <summary>
/// A person's browser without JavaScript: keeps cookies, reads the antiforgery token from the
/// page it is on and posts forms the way the page's form would. Every answer passes a
/// <see cref="SecretWatchingHandler"/>: created keys are recorded, earlier ones must not show up.
/// </summary>
public sealed partial class DashboardClient
{
    /// <summary>The password every test account uses.</summary>
    public const string Password = "correct horse battery staple";

    private string? _lastPage;

    public DashboardClient(MentioraApp app)
        : this(CreateHttp(app))
    {
    }

    private DashboardClient(HttpClient http) => Http = http;

    /// <summary>
    /// A visitor of a server started some other way (a silo process), through a client that keeps
    /// cookies, does not follow redirects and watches for secrets, like <see cref="Mentiora.Harness.Silos.SiloProcess.CreateClient"/>.
    /// </summary>
    public static DashboardClient Using(HttpClient http) => new(http);

    public HttpClient Http { get; }

    /// <summary>The app's own address, as the pages show it.</summary>
    public Uri BaseAddress => Http.BaseAddress!;

    /// <summary>Signs up a new account and returns its first project's id.</summary>
    public async Task<Guid> SignUpAsync(string? email = null, string password = Password)
    {
        await GetPageAsync("/signup");
        var response = await PostFormAsync("/signup", new() { ["Email"] = email ?? NewEmail(), ["Password"] = password });
        Assert.True(response.StatusCode == HttpStatusCode.Redirect,
            $"sign-up should redirect, answered {(int)response.StatusCode}: {Errors(await response.Content.ReadAsStringAsync())}");
        var match = ProjectInPath().Match(response.Headers.Location!.ToString());
        Assert.True(match.Success, $"sign-up should lead to the first project, went to {response.Headers.Location}");
        return Guid.Parse(match.Groups[1].Value);
    }

    /// <summary>Creates an API key on the project's Settings page, as a person would, and returns the key shown once.</summary>
    public async Task<string> CreateApiKeyAsync(Guid projectId, string name)
    {
        var settings = await GetPageAsync($"/projects/{projectId}/settings?dialog=create");
        var formToken = DashboardHtml.CreateFormToken(settings);
        Assert.True(formToken is not null, "the create form carries its one-time token");
        using var response = await PostFormAsync($"/projects/{projectId}/settings?handler=Create", new() { ["name"] = name, ["formToken"] = formToken });
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"creating a key on {BaseAddress} answered {(int)response.StatusCode}");
        var key = DashboardHtml.CreatedKey(await response.Content.ReadAsStringAsync());
        Assert.True(key is not null, "the created key is shown in the API key field");
        return key;
    }

    /// <summary>
    /// Rolls a key on the project's Settings page without JavaScript, as a person would (the row's
    /// Roll key button, then the dialog's Roll with the grace chosen), and returns the new key shown once.
    /// </summary>
    public async Task<string> RollApiKeyAsync(Guid projectId, Guid keyId, string grace)
    {
        var settings = await GetPageAsync($"/projects/{projectId}/settings?roll={keyId}");
        var formToken = DashboardHtml.RollFormToken(settings);
        Assert.True(formToken is not null, "the roll form carries its one-time token");
        using var response = await PostFormAsync($"/projects/{projectId}/settings?handler=Roll", new() { ["keyId"] = keyId.ToString(), ["grace"] = grace, ["formToken"] = formToken });
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"rolling a key on {BaseAddress} answered {(int)response.StatusCode}");
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(DashboardHtml.IsRollAnswer(html), "the answer is the roll dialog's");
        var key = DashboardHtml.CreatedKey(html);
        Assert.True(key is not null, "the rolled key is shown in the API key field");
        return key;
    }

    /// <summary>A unique address for a new account.</summary>
    public static string NewEmail() => $"dev-{Guid.NewGuid():N}@example.com";

    /// <summary>GETs a page, expecting 200, and remembers it as the page forms are posted from.</summary>
    public async Task<string> GetPageAsync(string url)
    {
        var response = await Http.GetAsync(url);
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {url} answered {(int)response.StatusCode}");
        _lastPage = html;
        return html;
    }

    /// <summary>Posts a form from the last page fetched, with that page's antiforgery token.</summary>
    public Task<HttpResponseMessage> PostFormAsync(string url, Dictionary<string, string> fields, bool htmx = false)
    {
        var token = DashboardHtml.AntiforgeryToken(_lastPage ?? string.Empty);
        Assert.True(token is not null, "the page should carry an antiforgery token");
        var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new FormUrlEncodedContent(fields.Append(new("__RequestVerificationToken", token))),
        };
        if (htmx)
        {
            request.Headers.Add("HX-Request", "true");
        }

        return Http.SendAsync(request);
    }

    /// <summary>
    /// Records the key and signing secret of a creation dialog in <paramref name="html"/>, if it
    /// shows one, and returns them: the only secrets that answer may show.
    /// </summary>
    public static IReadOnlyList<IssuedSecret> RecordCreatedSecrets(string html, string where)
    {
        if (DashboardHtml.CreatedKey(html) is not { } key)
        {
            // The other answer that shows a secret once: the Allowed origins dialog after a roll of the signing secret.
            return DashboardHtml.RolledSigningSecret(html) is { Length: > 0 } rolled
                ? [IssuedSecrets.Record(rolled, SecretKind.SigningSecret, $"the roll answer of {where}")]
                : [];
        }

        // A roll's answer shows the new key alone: the key keeps its signing secret, which is not shown again.
        if (DashboardHtml.IsRollAnswer(html))
        {
            return [IssuedSecrets.Record(key, SecretKind.ApiKey, $"the roll dialog of {where}")];
        }

        // Every creation dialog shows both; a secret not recorded here would go unwatched for the rest of the run.
        var secret = DashboardHtml.CreatedSigningSecret(html);
        Assert.True(!string.IsNullOrEmpty(secret), $"the creation dialog of {where} shows a key but no signing secret");
        var issuedBy = $"the creation dialog of {where}";
        return
        [
            IssuedSecrets.Record(key, SecretKind.ApiKey, issuedBy),
            IssuedSecrets.Record(secret, SecretKind.SigningSecret, issuedBy),
        ];
    }

    private static string Errors(string html) => string.Join(" | ", DashboardHtml.Errors(html));

    private static HttpClient CreateHttp(MentioraApp app)
    {
        // A real socket client of its own: redirects are looked at, not followed, and cookies kept per visitor.
        var address = app.Start().BaseAddress;
        return new HttpClient(new SecretWatchingHandler($"the app at {address}", app.CreateClientHandler(new CookieContainer()))) { BaseAddress = address };
    }

    [GeneratedRegex("/projects/([0-9a-f-]{36})/")]
    private static partial Regex ProjectInPath();
}
