using System.Globalization;
using System.Net;
using Mentiora.Harness.Certificates;
using Mentiora.Tests.Infrastructure;
using Mentiora.Web.Configuration;
using Mentiora.Web.Storage;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Mentiora.Tests.Web;

public sealed class KeyRingTests
{
    [Fact]
    public async Task SilosStartingTogetherOnAnEmptyDatabaseShareOneFirstKey()
    {
        var storage = await TestStorage.NewPostgresAsync();
        var settings = StorageSettings.FromConfiguration(
            new ConfigurationBuilder().AddInMemoryCollection([new(storage.SettingKey, storage.SettingValue)]).Build(), Path.GetTempPath());
        await DatabaseSchema.ApplyAsync(settings, NullLogger.Instance);

        // Four silos' worth of Data Protection, each with its own cache, on the one database.
        var silos = Enumerable.Range(0, 4).Select(_ => KeyRingOf(settings)).ToArray();
        await Task.WhenAll(silos.Select(services => Task.Run(() => KeyRingBootstrap.EnsureKeyAsync(services, settings))));

        var keys = await storage.QueryColumnAsync("SELECT COUNT(*) FROM data_protection_keys");
        Assert.Equal(1L, Convert.ToInt64(keys[0], CultureInfo.InvariantCulture));
        var text = silos[0].GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Protect("shared");
        Assert.All(silos, s => Assert.Equal("shared", s.GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Unprotect(text)));
    }

    [Fact]
    public async Task WithACertificateTheStoredKeyRingHoldsNoPlaintextKeyAndAnotherSiloWithItReadsTheCookies()
    {
        var folder = Path.Combine(Path.GetTempPath(), "mentiora-tests", Guid.NewGuid().ToString("N"));
        using var certificate = SelfSignedCertificate.Create("CN=mentiora-key-ring");
        var path = Path.Combine(folder, "keyring.pfx");
        SelfSignedCertificate.WritePfx(certificate, path);
        var settings = new Dictionary<string, string?> { [SettingKeys.KeyRingCertificatePath] = path };
        var storage = await TestStorage.NewPostgresAsync();
        try
        {
            await using var first = new MentioraApp(storage, settings);
            var (projectId, cookies) = await SignUpAsync(first);

            var rings = (await storage.QueryColumnAsync("SELECT xml FROM data_protection_keys")).Cast<string>().ToList();
            Assert.NotEmpty(rings);
            Assert.All(rings, xml =>
            {
                Assert.Contains("EncryptedData", xml);
                Assert.DoesNotContain("<masterKey", xml);
            });
            Assert.DoesNotContain(first.Logs.GetSnapshot(), r => r.Message == KeyRingProtection.UnencryptedWarning);

            // A second silo on the same database with the same certificate: the session cookie of the first works there.
            await using var second = new MentioraApp(storage, settings);
            Assert.Equal(HttpStatusCode.OK, await SettingsPageStatusAsync(second, projectId, first, cookies));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task KeysStoredInClearBeforeACertificateWasConfiguredStayReadable()
    {
        var folder = Path.Combine(Path.GetTempPath(), "mentiora-tests", Guid.NewGuid().ToString("N"));
        using var certificate = SelfSignedCertificate.Create("CN=mentiora-key-ring");
        var path = Path.Combine(folder, "keyring.pfx");
        SelfSignedCertificate.WritePfx(certificate, path);
        var storage = await TestStorage.NewPostgresAsync();
        try
        {
            await using var before = new MentioraApp(storage);
            var (projectId, cookies) = await SignUpAsync(before);

            await using var after = new MentioraApp(storage, new Dictionary<string, string?> { [SettingKeys.KeyRingCertificatePath] = path });
            Assert.Equal(HttpStatusCode.OK, await SettingsPageStatusAsync(after, projectId, before, cookies));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task APostgresSiloWithoutACertificateSaysOnceThatTheKeyRingIsStoredInClear()
    {
        var storage = await TestStorage.NewPostgresAsync();
        await using var app = new MentioraApp(storage);
        app.Start();

        Assert.Single(app.Logs.GetSnapshot(), r => r.Level == LogLevel.Warning && r.Message == KeyRingProtection.UnencryptedWarning);
        // What the warning says: the key itself is in the row.
        Assert.Contains("<masterKey", (string)(await storage.QueryColumnAsync("SELECT xml FROM data_protection_keys"))[0]!);
    }

    // Signs up on the app, as a browser would; its cookies then hold the session.
    private static async Task<(Guid ProjectId, CookieContainer Cookies)> SignUpAsync(MentioraApp app)
    {
        var cookies = new CookieContainer();
        var visitor = DashboardClient.Using(new HttpClient(app.CreateClientHandler(cookies)) { BaseAddress = app.Start().BaseAddress });
        return (await visitor.SignUpAsync(), cookies);
    }

    // The project's Settings page on another app, with the cookies the first app set: 200 when it read the session, a redirect to sign-in when not.
    private static async Task<HttpStatusCode> SettingsPageStatusAsync(MentioraApp other, Guid projectId, MentioraApp signedInOn, CookieContainer cookies)
    {
        var address = other.Start().BaseAddress!;
        var copied = new CookieContainer();
        foreach (Cookie cookie in cookies.GetCookies(signedInOn.Start().BaseAddress!))
        {
            copied.Add(address, new Cookie(cookie.Name, cookie.Value, "/"));
        }

        using var http = new HttpClient(other.CreateClientHandler(copied)) { BaseAddress = address };
        return (await http.GetAsync($"/projects/{projectId}/settings")).StatusCode;
    }

    private static ServiceProvider KeyRingOf(StorageSettings settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton(TimeProvider.System);
        services.AddDataProtection().SetApplicationName("Mentiora");
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(
            new ConfigureOptions<KeyManagementOptions>(o => o.XmlRepository = new DatabaseXmlRepository(settings.CreateDataSource())));
        return services.BuildServiceProvider();
    }
}
