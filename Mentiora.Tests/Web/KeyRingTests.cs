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
            var cookies = new CookieContainer();
            var visitor = DashboardClient.Using(new HttpClient(first.CreateClientHandler(cookies)) { BaseAddress = first.Start().BaseAddress });
            var projectId = await visitor.SignUpAsync();

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
            var secondAddress = second.Start().BaseAddress!;
            var secondCookies = new CookieContainer();
            foreach (Cookie cookie in cookies.GetCookies(first.Start().BaseAddress!))
            {
                secondCookies.Add(secondAddress, new Cookie(cookie.Name, cookie.Value, "/"));
            }

            using var onSecond = new HttpClient(second.CreateClientHandler(secondCookies)) { BaseAddress = secondAddress };
            var page = await onSecond.GetAsync($"/projects/{projectId}/settings");
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
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
