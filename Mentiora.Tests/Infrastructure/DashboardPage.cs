using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Mentiora.Tests.Infrastructure;

/// <summary>The steps every browser test takes the way a person does, by role and accessible name.</summary>
public static partial class DashboardPage
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

    /// <summary>
    /// Creates an API key on the Settings page through the Create API Key dialog, reads the key and
    /// signing secret the creation dialog shows once (recorded as issued), lets <paramref name="whileShown"/>
    /// act on that dialog, closes it with Done and waits for the new row. Returns the key. With
    /// <paramref name="expires"/>, that choice of the Expires select is picked first.
    /// </summary>
    public static async Task<string> CreateKeyAsync(this IPage page, string name, Func<ILocator, string, Task>? whileShown = null, string? expires = null)
    {
        var rows = page.Locator("[data-key-row]");
        var before = await rows.CountAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Create API Key" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "Create API Key" });
        await dialog.GetByRole(AriaRole.Textbox, new() { Name = "Name", Exact = true }).FillAsync(name);
        if (expires is not null)
        {
            await dialog.GetByRole(AriaRole.Combobox, new() { Name = "Expires", Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = expires });
        }

        await dialog.GetByRole(AriaRole.Button, new() { Name = "Create", Exact = true }).ClickAsync();

        var created = page.GetByRole(AriaRole.Dialog, new() { Name = "API key created" });
        var field = created.GetByRole(AriaRole.Textbox, new() { Name = "API key", Exact = true });
        await Expect(field).ToHaveValueAsync(ApiKeyShape());
        await Expect(field).ToHaveAttributeAsync("readonly", string.Empty);
        await Expect(created).ToContainTextAsync("will not be shown again");
        var key = await field.ReadIssuedSecretAsync(SecretKind.ApiKey);
        await created.GetByRole(AriaRole.Textbox, new() { Name = "Signing secret", Exact = true }).ReadIssuedSecretAsync(SecretKind.SigningSecret);
        if (whileShown is not null)
        {
            await whileShown(created, key);
        }

        await created.GetByRole(AriaRole.Link, new() { Name = "Done" }).ClickAsync();
        await Expect(created).ToHaveCountAsync(0);
        await Expect(rows).ToHaveCountAsync(before + 1);
        return key;
    }

    /// <summary>Opens Settings from the navigation menu.</summary>
    public static async Task OpenSettingsAsync(this IPage page)
    {
        await page.GetByRole(AriaRole.Link, new() { Name = "Settings", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "API Keys" })).ToBeVisibleAsync();

        // As a person would, wait for the page to finish loading (its script included) before using it.
        await page.WaitForLoadStateAsync(LoadState.DOMContentLoaded);
    }

    // 32 random bytes in base64url, as the creation dialog shows a secret key.
    [GeneratedRegex("^[A-Za-z0-9_-]{43}$")]
    private static partial Regex ApiKeyShape();
}
