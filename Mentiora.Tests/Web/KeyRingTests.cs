using System.Globalization;
using Mentiora.Tests.Infrastructure;
using Mentiora.Web.Storage;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
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
