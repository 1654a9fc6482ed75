using System.Globalization;
using Mentiora.Tests.Infrastructure;
using Mentiora.Web.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mentiora.Tests.Web;

/// <summary>The schema is created at start, once, even when several silos start together.</summary>
public abstract class SchemaTests(StorageMode mode)
{
    [Fact]
    public async Task SeveralStartsAtOnceCreateTheSchemaExactlyOnce()
    {
        var storage = await TestStorage.NewAsync(mode);
        var settings = Settings(storage);

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => DatabaseSchema.ApplyAsync(settings, NullLogger.Instance))));
        await DatabaseSchema.ApplyAsync(settings, NullLogger.Instance);

        var applied = (await storage.QueryColumnAsync("SELECT version FROM mentiora_schema_history ORDER BY version"))
            .Select(v => Convert.ToInt32(v, CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(DatabaseSchema.Scripts(mode).Select(s => s.Version), applied);
    }

    [Fact]
    public async Task TheOrleansProvidersFindEveryQueryTheyNeed()
    {
        var storage = await TestStorage.NewAsync(mode);
        await DatabaseSchema.ApplyAsync(Settings(storage), NullLogger.Instance);

        var keys = (await storage.QueryColumnAsync("SELECT QueryKey FROM OrleansQuery")).Cast<string>().ToHashSet();

        Assert.Superset(new HashSet<string> { "WriteToStorageKey", "ReadFromStorageKey", "ClearStorageKey" }, keys);
        if (mode == StorageMode.Postgres)
        {
            Assert.Superset(
                new HashSet<string>
                {
                    "UpdateIAmAlivetimeKey", "InsertMembershipVersionKey", "InsertMembershipKey", "UpdateMembershipKey",
                    "MembershipReadRowKey", "MembershipReadAllKey", "DeleteMembershipTableEntriesKey", "GatewaysQueryKey",
                    "CleanupDefunctSiloEntriesKey",
                },
                keys);
        }
    }

    private StorageSettings Settings(TestStorage storage) =>
        StorageSettings.FromConfiguration(
            new ConfigurationBuilder()
                .AddInMemoryCollection([new(storage.SettingKey, storage.SettingValue)])
                .Build(),
            Path.GetTempPath());
}

public sealed class SchemaOnEmbeddedStorage() : SchemaTests(StorageMode.Embedded);

public sealed class SchemaOnPostgres() : SchemaTests(StorageMode.Postgres);
