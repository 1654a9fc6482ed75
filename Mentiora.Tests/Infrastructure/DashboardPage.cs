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

    /// <summary>Opens Settings from the navigation menu.</summary>
    public static async Task OpenSettingsAsync(this IPage page)
    {
        await page.GetByRole(AriaRole.Link, new() { Name = "Settings", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "API Keys" })).ToBeVisibleAsync();

        // As a person would, wait for the page to finish loading (its script included) before using it.
        await page.WaitForLoadStateAsync(LoadState.DOMContentLoaded);
    }
}
