using Mentiora.Grains.Accounts;
using Mentiora.Grains.Keys;
using Mentiora.Grains.Projects;
using Mentiora.Grains.Secrets;
using Mentiora.Tests.Infrastructure;

namespace Mentiora.Tests.Browser;

/// <summary>
/// Mentiora and one customer site, shared by the tests of the browser module: a project whose key
/// allows the site's origin. Each test opens its own page, so it gets its own module instance.
/// </summary>
public sealed class BrowserModuleFixture : IAsyncLifetime
{
    /// <summary>The project owner's account.</summary>
    public const string Email = "owner@example.com";

    /// <summary>The end user the customer's server signs in.</summary>
    public static readonly EndUser User = new("customer-42", "Ada Lovelace", "ada@example.com");

    /// <summary>Mentiora.</summary>
    public MentioraApp App { get; } = new(TestStorage.NewEmbedded());

    /// <summary>Mentiora's address.</summary>
    public Uri Mentiora { get; private set; } = null!;

    /// <summary>The project the site's key belongs to.</summary>
    public Guid ProjectId { get; private set; }

    /// <summary>The customer's site.</summary>
    public ModuleCustomerSite Site { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Mentiora = App.Start().BaseAddress!;
        var signUp = await App.Grains.GetGrain<IUserGrain>(Email).SignUp(Email, new SecretText(DashboardClient.Password));
        ProjectId = signUp.FirstProjectId!.Value;
        var project = App.Grains.GetGrain<IProjectDashboardGrain>(ProjectId);
        var created = (await project.CreateApiKey(Email, "Website")).Created!;
        Site = await ModuleCustomerSite.StartAsync(Mentiora, new CreatedApiKeyMaterial(created.Key.Reveal(), created.Summary.PublishableKey, created.SigningSecret.Reveal()), User);
        var allowed = await project.AddAllowedOrigin(Email, created.Summary.Id, Site.Origin.GetLeftPart(UriPartial.Authority));
        Assert.Equal(OriginChangeOutcome.Done, allowed.Outcome);
    }

    public async Task DisposeAsync()
    {
        if (Site is not null)
        {
            await Site.DisposeAsync();
        }

        await App.DisposeAsync();
    }
}
