using System.Text.Json;
using Mentiora.Grains.Keys;
using Mentiora.Grains.Projects;
using Mentiora.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Mentiora.Tests.Browser;

/// <summary>
/// A developer who puts the secret key in a web page finds out from the page itself: a real
/// Chromium on another origin posts a trace with it and can read the 403 and what to use instead.
/// </summary>
public sealed class SecretKeyInAWebPageTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private readonly MentioraApp _app = new(TestStorage.NewEmbedded());
    private Uri _mentiora = null!;
    private RevealedApiKey _key = null!;
    private CustomerSite _site = null!;

    public async Task InitializeAsync()
    {
        _mentiora = _app.Start().BaseAddress!;
        var project = await _app.NewProjectAsync();
        _key = new RevealedApiKey((await project.CreateApiKey(MentioraApp.Owner, "Website")).Created!);
        _site = await CustomerSite.StartAsync(_mentiora, new CreatedApiKeyMaterial(_key.Key, _key.Summary.PublishableKey, _key.SigningSecret), new EndUser("customer-42", null, null));
    }

    public Task DisposeAsync() => browser.AssertNoPolicyViolationsThenDisposeAsync(_site, _app);

    [Fact]
    public async Task APagePostingWithTheSecretKeyReadsA403ThatNamesThePublishableKey()
    {
        var page = await browser.NewPageAsync(_site.FirstOrigin);
        await page.GotoAsync("/");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Customer app" })).ToBeVisibleAsync();

        var result = await page.EvaluateAsync<JsonElement>("""
            async ([mentiora, key, trace]) => {
              const response = await fetch(mentiora + '/api/v1/traces', {
                method: 'POST',
                headers: { 'Authorization': 'Bearer ' + key, 'Content-Type': 'application/json' },
                body: trace,
              });
              return { status: response.status, body: await response.json() };
            }
            """, new[] { _mentiora.GetLeftPart(UriPartial.Authority), _key.Key, TraceEvents.Valid().ToJsonString() });

        Assert.Equal(403, result.GetProperty("status").GetInt32());
        var error = result.GetProperty("body").GetProperty("error");
        Assert.Equal("insufficient_permissions", error.GetProperty("code").GetString());
        Assert.Contains("publishable key (pk_live_", error.GetProperty("message").GetString());
    }
}
