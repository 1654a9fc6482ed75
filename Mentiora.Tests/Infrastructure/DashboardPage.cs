using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Mentiora.Tests.Infrastructure;

/// <summary>The steps every browser test takes the way a person does, by role and accessible name.</summary>
public static class DashboardPage
{
    /// <summary>Signs up a new account and waits for its first project's Traces page.</summary>
    public static async Task SignUpAsync(this IPage page)
    {
        await page.GotoAsync("/signup");
        await page.GetByLabel("Email").FillAsync(DashboardClient.NewEmail());
        await page.GetByLabel("Password").FillAsync(DashboardClient.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Traces" })).ToBeVisibleAsync();
    }

    /// <summary>
    /// The value of a field of the creation dialog, recorded in <see cref="IssuedSecrets"/> as a
    /// key the person copied, so every later page and log is checked for it.
    /// </summary>
    public static async Task<string> ReadIssuedSecretAsync(this ILocator field, SecretKind kind)
    {
        var value = await field.InputValueAsync();
        IssuedSecrets.Record(value, kind, "the creation dialog in a browser");
        return value;
    }

    /// <summary>Opens Settings from the navigation menu.</summary>
    public static async Task OpenSettingsAsync(this IPage page)
    {
        await page.GetByRole(AriaRole.Link, new() { Name = "Settings", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "API Keys" })).ToBeVisibleAsync();

        // As a person would, wait for the page to finish loading (its script included) before using it.
        await page.WaitForLoadStateAsync(LoadState.DOMContentLoaded);
    }
}
