using Mentiora.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Mentiora.Tests.Browser;

/// <summary>A person signed in on two browsers opens Account from the top bar, signs out everywhere, and both are signed out.</summary>
public sealed class SignOutEverywhereTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task SignOutEverywhereOnTheAccountPageSignsOutTheOtherBrowserToo()
    {
        var app = new MentioraApp(TestStorage.NewEmbedded());
        var address = app.Start().BaseAddress!;
        var email = DashboardClient.NewEmail();
        var laptop = await browser.NewPageAsync(address);
        var phone = await browser.NewPageAsync(address);
        try
        {
            await laptop.GotoAsync("/signup");
            await laptop.GetByLabel("Email").FillAsync(email);
            await laptop.GetByLabel("Password").FillAsync(DashboardClient.Password);
            await laptop.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
            await Expect(laptop.GetByRole(AriaRole.Heading, new() { Name = "Traces" })).ToBeVisibleAsync();
            await phone.GotoAsync("/signin");
            await phone.GetByLabel("Email").FillAsync(email);
            await phone.GetByLabel("Password").FillAsync(DashboardClient.Password);
            await phone.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
            await Expect(phone.GetByRole(AriaRole.Link, new() { Name = "Settings", Exact = true })).ToBeVisibleAsync();

            await laptop.GetByRole(AriaRole.Link, new() { Name = email }).ClickAsync();
            await Expect(laptop.GetByRole(AriaRole.Heading, new() { Name = "Account" })).ToBeVisibleAsync();
            await Expect(laptop.GetByRole(AriaRole.Textbox, new() { Name = "Account id" })).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("^acct_"));
            await Expect(laptop.GetByText("signed in on 2 browsers")).ToBeVisibleAsync();
            await laptop.GetByRole(AriaRole.Button, new() { Name = "Sign out everywhere" }).ClickAsync();

            await Expect(laptop.GetByRole(AriaRole.Heading, new() { Name = "Sign in to Mentiora" })).ToBeVisibleAsync();
            await phone.GetByRole(AriaRole.Link, new() { Name = "Settings", Exact = true }).ClickAsync();
            await Expect(phone.GetByRole(AriaRole.Heading, new() { Name = "Sign in to Mentiora" })).ToBeVisibleAsync();
        }
        finally
        {
            await browser.AssertNoPolicyViolationsThenDisposeAsync(app);
        }
    }
}
