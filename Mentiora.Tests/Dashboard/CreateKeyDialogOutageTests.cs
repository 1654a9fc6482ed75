using Mentiora.Harness.Postgres;
using Mentiora.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Mentiora.Tests.Dashboard;

/// <summary>In a real Chromium with htmx: the create-key dialog itself says the service is briefly unavailable while the database is down.</summary>
public sealed class CreateKeyDialogOutageTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task TheCreateKeyDialogSaysBrieflyUnavailableWhileTheDatabaseIsDownAndCreatesAKeyOnceItIsBack()
    {
        // A server of its own: stopping the shared one would break the other tests.
        await using var server = await ThrowawayPostgres.StartAsync();
        var app = new MentioraApp(await TestStorage.NewPostgresOnAsync(await server.CreateDatabaseAsync("dialog-outage")));
        try
        {
            var page = await browser.NewPageAsync(app.Start().BaseAddress!);
            await page.SignUpAsync();
            await page.OpenSettingsAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Create API Key" }).ClickAsync();
            var form = page.GetByRole(AriaRole.Dialog, new() { Name = "Create API Key" });
            await form.GetByRole(AriaRole.Textbox, new() { Name = "Name", Exact = true }).FillAsync("During the outage");

            await server.StopAsync();
            await form.GetByRole(AriaRole.Button, new() { Name = "Create", Exact = true }).ClickAsync();

            // htmx 4 swaps the 503 into the dialog, where the form was.
            var dialog = page.GetByRole(AriaRole.Dialog);
            await Expect(dialog.GetByRole(AriaRole.Heading, new() { Name = "Mentiora is briefly unavailable" })).ToBeVisibleAsync();
            await Expect(dialog.GetByRole(AriaRole.Alert)).ToContainTextAsync("Nothing was changed. Try again in a few seconds.");
            await browser.SaveScreenshotAsync(page, "Settings.createDuringOutage");
            await dialog.GetByRole(AriaRole.Button, new() { Name = "Close" }).ClickAsync();
            await Expect(dialog).ToHaveCountAsync(0);
            await Expect(page.Locator("[data-key-row]")).ToHaveCountAsync(0);

            // The dialog opens with a fresh form again, and creating works once the database is back.
            await server.RestartAsync();
            await page.CreateKeyAsync("After the outage");
        }
        finally
        {
            await browser.AssertNoPolicyViolationsThenDisposeAsync(app);
        }
    }
}
