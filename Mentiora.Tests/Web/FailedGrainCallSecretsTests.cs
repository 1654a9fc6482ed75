using System.Net;
using Mentiora.Grains.Keys;
using Mentiora.Grains.Projects;
using Mentiora.Grains.Secrets;
using Mentiora.Tests.Infrastructure;
using Mentiora.Web.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;

namespace Mentiora.Tests.Web;

/// <summary>
/// A grain call that times out or whose silo fails during sign-up, sign-in, key creation or a browser
/// request leaves no password, key, signing secret or identity token in any log: whatever prints a
/// call's arguments or answer (a failure message here spells out both) prints a secret as
/// <see cref="SecretText.Redacted"/>. The app's logs and database are scanned after each test and when it is disposed.
/// </summary>
public sealed class FailedGrainCallSecretsTests : IAsyncLifetime
{
    private const string AllowedOrigin = "https://shop.example.com";

    // Short, so that a late answer costs the test seconds; long enough for a loaded machine's ordinary calls.
    private static readonly TimeSpan ResponseTimeout = TimeSpan.FromSeconds(3);

    private readonly GrainCallFaults _faults = new() { LateBy = ResponseTimeout + TimeSpan.FromSeconds(1) };
    private readonly MentioraApp _app;

    public FailedGrainCallSecretsTests()
    {
        _app = new MentioraApp(TestStorage.NewEmbedded(), new Dictionary<string, string?>
        {
            // Orleans logs an answer that came after its caller gave up at Debug: an operator chasing a fault turns that on.
            ["Logging:LogLevel:Orleans"] = "Debug",
            // A refused delivery is answered at once instead of retried, so the failure's message is logged.
            [SettingKeys.GrainRetrySeconds] = "0",
        })
        {
            TestServices = services =>
            {
                services.AddSingleton<IIncomingGrainCallFilter>(_faults);
                services.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = ResponseTimeout);
            },
        };
    }

    public Task InitializeAsync() => Task.CompletedTask;

    // Stopping the app scans its logs and database for every secret of the run (see MentioraApp).
    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task SignUpAndSignInThatTimeOutOrLoseTheirSiloLeaveNoPasswordInAnyLog()
    {
        var visitor = new DashboardClient(_app);
        var email = DashboardClient.NewEmail();
        var password = NewPassword();

        _faults.Arm("SignUp", GrainCallFault.AnswerLate);
        await AssertUnavailableAsync(await PostAsync(visitor, "/signup", email, password));
        await LateAnswerLoggedAsync("SignUp");

        _faults.Arm("SignIn", GrainCallFault.AnswerLate);
        await AssertUnavailableAsync(await PostAsync(visitor, "/signin", email, password));
        await LateAnswerLoggedAsync("SignIn");

        _faults.Arm("SignIn", GrainCallFault.FailLikeALostSilo);
        await AssertUnavailableAsync(await PostAsync(visitor, "/signin", email, password));
        _faults.Arm("SignUp", GrainCallFault.FailLikeALostSilo);
        await AssertUnavailableAsync(await PostAsync(visitor, "/signup", DashboardClient.NewEmail(), NewPassword()));
        FailureLogged("SignIn");
        FailureLogged("SignUp");

        // The late sign-up did create the account, with the password nobody saw logged.
        Assert.Equal(HttpStatusCode.Redirect, (await PostAsync(visitor, "/signin", email, password)).StatusCode);
        await _app.AssertNoSecretsLeakedAsync();
    }

    [Fact]
    public async Task KeyCreationThatTimesOutOrLosesItsSiloLeavesNoKeyOrSigningSecretInAnyLog()
    {
        var owner = new DashboardClient(_app);
        var projectId = await owner.SignUpAsync(password: NewPassword());
        var settings = $"/projects/{projectId}/settings";
        await owner.GetPageAsync(settings);
        var issuedBefore = IssuedSecrets.Count;

        _faults.Arm("CreateApiKey", GrainCallFault.AnswerLate);
        await AssertUnavailableAsync(await owner.PostFormAsync($"{settings}?handler=Create", new() { ["name"] = "Late" }));
        await LateAnswerLoggedAsync("CreateApiKey");

        _faults.Arm("CreateApiKey", GrainCallFault.FailLikeALostSilo);
        await AssertUnavailableAsync(await owner.PostFormAsync($"{settings}?handler=Create", new() { ["name"] = "Lost" }));
        FailureLogged("CreateApiKey");

        // Both keys were made (the grain ran) and are in the ledger, so the scan looks for them.
        Assert.True(IssuedSecrets.Count >= issuedBefore + 4, "the keys made by the broken calls should be in the ledger");
        await _app.AssertNoSecretsLeakedAsync();
    }

    [Fact]
    public async Task ABrowserRequestThatTimesOutOrLosesItsSiloLeavesNoIdentityTokenInAnyLog()
    {
        var project = await _app.NewProjectAsync();
        var created = new RevealedApiKey((await project.CreateApiKey(MentioraApp.Owner, "Website")).Created!);
        Assert.Equal(OriginChangeOutcome.Done, (await project.AddAllowedOrigin(MentioraApp.Owner, created.Summary.Id, AllowedOrigin)).Outcome);
        var token = IdentityTokens.Mint(new EndUser("user-1", "Ada", null), IdentityTokens.SigningKey(created.SigningSecret), DateTimeOffset.UtcNow, TimeSpan.FromMinutes(10));
        IssuedSecrets.Record(token, SecretKind.IdentityToken, nameof(ABrowserRequestThatTimesOutOrLosesItsSiloLeavesNoIdentityTokenInAnyLog));
        using var api = _app.CreateClient();

        _faults.Arm("AuthenticateBrowser", GrainCallFault.AnswerLate);
        await AssertUnavailableAsync(await api.SendAsync(BrowserPost(created.Summary.PublishableKey, token)));
        await LateAnswerLoggedAsync("AuthenticateBrowser");

        _faults.Arm("AuthenticateBrowser", GrainCallFault.FailLikeALostSilo);
        await AssertUnavailableAsync(await api.SendAsync(BrowserPost(created.Summary.PublishableKey, token)));
        FailureLogged("AuthenticateBrowser");

        Assert.Equal(HttpStatusCode.Accepted, (await api.SendAsync(BrowserPost(created.Summary.PublishableKey, token))).StatusCode);
        await _app.AssertNoSecretsLeakedAsync();
    }

    private static string NewPassword() => $"pw {Guid.NewGuid():N}";

    private static async Task<HttpResponseMessage> PostAsync(DashboardClient visitor, string page, string email, string password)
    {
        await visitor.GetPageAsync(page);
        return await visitor.PostFormAsync(page, new() { ["Email"] = email, ["Password"] = password });
    }

    private static HttpRequestMessage BrowserPost(string publishableKey, string token)
    {
        var request = TraceEvents.Post(TraceEvents.Valid(), publishableKey);
        request.Headers.Add("Origin", AllowedOrigin);
        request.Headers.Add("X-Mentiora-Identity-Token", token);
        return request;
    }

    private static async Task AssertUnavailableAsync(HttpResponseMessage response)
    {
        using (response)
        {
            Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable,
                $"a broken grain call should be answered 503, was {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
    }

    // Proof that the test reached what it means to test: the caller timed out, and the answer that came
    // later was dropped with the request it belonged to (Orleans 10 prints the request's parameter types there).
    private async Task LateAnswerLoggedAsync(string method)
    {
        var deadline = DateTime.UtcNow + _faults.LateBy + TimeSpan.FromSeconds(10);
        while (!(Logged("Response did not arrive on time", method) && Logged("Dropping expired message", method)))
        {
            Assert.True(DateTime.UtcNow < deadline, $"Orleans should have logged the timeout of {method} and dropped its late answer");
            await Task.Delay(200);
        }
    }

    // The failure spelled out the arguments and the answer: the secrets among them read as the wrapper's text.
    private void FailureLogged(string method) =>
        Assert.True(Logged("went away during", method, SecretText.Redacted), $"the failure of {method} should be logged with its redacted arguments");

    private bool Logged(string text, string method, string? alsoText = null) =>
        _app.Logs.GetSnapshot().Any(r => r.Message.Contains(text, StringComparison.Ordinal) && r.Message.Contains($".{method}(", StringComparison.Ordinal)
            && (alsoText is null || r.Message.Contains(alsoText, StringComparison.Ordinal)));
}
