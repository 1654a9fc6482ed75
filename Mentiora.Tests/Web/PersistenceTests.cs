using System.Globalization;
using System.Net;
using Mentiora.Grains;
using Mentiora.Grains.KeyDirectory;
using Mentiora.Grains.Projects;
using Mentiora.Tests.Infrastructure;
using Mentiora.Web.Storage;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace Mentiora.Tests.Web;

/// <summary>What a user stored is still there after the app restarts, in both storage modes.</summary>
public abstract class PersistenceTests(StorageMode mode)
{
    [Fact]
    public async Task KeysTracesAndLastUsedTimesSurviveARestart()
    {
        var storage = await TestStorage.NewAsync(mode);
        var projectId = Guid.NewGuid();
        CreatedApiKey key;
        CreatedApiKey revoked;
        DateTimeOffset? lastUsed;
        var firstTrace = TraceEvents.Valid();

        await using (var app = new MentioraApp(storage))
        {
            var client = app.Start();
            var project = await app.NewProjectAsync(projectId);
            key = (await project.CreateApiKey(MentioraApp.Owner, "Production")).Created!;
            revoked = (await project.CreateApiKey(MentioraApp.Owner, "Old")).Created!;
            await project.RevokeApiKey(MentioraApp.Owner, revoked.Summary.Id);
            Assert.Equal(HttpStatusCode.Accepted, (await client.SendAsync(TraceEvents.Post(firstTrace, key.Key.Reveal()))).StatusCode);
            lastUsed = (await MentioraApp.KeysOf(project))[0].LastUsedAt;
            Assert.NotNull(lastUsed);
        }

        await using (var app = new MentioraApp(storage))
        {
            var client = app.Start();
            var project = app.Grains.GetGrain<IProjectDashboardGrain>(projectId);

            var listed = Assert.Single(await MentioraApp.KeysOf(project));
            Assert.Equal("Production", listed.Name);
            Assert.Equal(key.Summary.Prefix, listed.Prefix);
            // Last-used times are kept in memory; a graceful stop writes them.
            Assert.Equal(lastUsed, listed.LastUsedAt);

            Assert.Equal(HttpStatusCode.Accepted, (await client.SendAsync(TraceEvents.Post(TraceEvents.Valid(), key.Key.Reveal()))).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(TraceEvents.Post(TraceEvents.Valid(), revoked.Key.Reveal()))).StatusCode);
            var stored = await storage.QueryColumnAsync("SELECT COUNT(*) FROM traces WHERE CAST(trace_id AS TEXT) = @t", ("t", (string)firstTrace["trace_id"]!));
            Assert.Equal(1L, Convert.ToInt64(stored[0], CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public async Task KeysCreatedWhileTheDirectoryHadOneGrainTypePerKindStillWork()
    {
        var storage = await TestStorage.NewAsync(mode);
        const string origin = "https://app.example.com";
        CreatedApiKey key;
        await using (var app = new MentioraApp(storage))
        {
            app.Start();
            var project = await app.NewProjectAsync();
            key = (await project.CreateApiKey(MentioraApp.Owner, "Production")).Created!;
            await project.AddAllowedOrigin(MentioraApp.Owner, key.Summary.Id, origin);

            // Lay the directory out as the previous version stored it: one entry per grain type
            // (ApiKeyPrefixGrain, PublishableKeyGrain) keyed by the bare identifier, and no entry
            // of the directory grain that replaced them.
            var owner = new KeyOwner(project.GetPrimaryKey(), key.Summary.Id);
            var grainStorage = app.Services.GetRequiredKeyedService<IGrainStorage>(StorageNames.Grains);
            await grainStorage.WriteStateAsync("prefix", GrainId.Create("apikeyprefix", key.Summary.Prefix),
                new GrainState<KeyDirectoryState>(new KeyDirectoryState { Owner = owner }));
            await grainStorage.WriteStateAsync("publishable", GrainId.Create("publishablekey", key.Summary.PublishableKey),
                new GrainState<KeyDirectoryState>(new KeyDirectoryState { Owner = owner }));
            await storage.QueryColumnAsync("DELETE FROM OrleansStorage WHERE GrainTypeString = 'entry'");
        }

        await using (var app = new MentioraApp(storage))
        {
            var client = app.Start();
            var fromBrowser = TraceEvents.Post(TraceEvents.Valid(), key.Summary.PublishableKey);
            fromBrowser.Headers.Add("Origin", origin);

            Assert.Equal(HttpStatusCode.Accepted, (await client.SendAsync(TraceEvents.Post(TraceEvents.Valid(), key.Key.Reveal()))).StatusCode);
            Assert.Equal(HttpStatusCode.Accepted, (await client.SendAsync(fromBrowser)).StatusCode);
        }
    }

    [Fact]
    public async Task WhatOneRunProtectedTheNextRunCanRead()
    {
        // Cookies, antiforgery tokens and signing secrets depend on the key ring living in the database.
        var storage = await TestStorage.NewAsync(mode);
        string protectedText;
        await using (var app = new MentioraApp(storage))
        {
            app.Start();
            protectedText = Protector(app).Protect("signed-in");
        }

        await using (var app = new MentioraApp(storage))
        {
            app.Start();
            Assert.Equal("signed-in", Protector(app).Unprotect(protectedText));
        }

        var keyRing = await storage.QueryColumnAsync("SELECT COUNT(*) FROM data_protection_keys");
        Assert.Equal(1L, Convert.ToInt64(keyRing[0], CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task LastUsedTimesAreNotWrittenToStorageOnEveryRequest()
    {
        var storage = await TestStorage.NewAsync(mode);
        await using var app = new MentioraApp(storage);
        var client = app.Start();
        var projectId = Guid.NewGuid();
        var key = (await (await app.NewProjectAsync(projectId)).CreateApiKey(MentioraApp.Owner, null)).Created!;
        var versionAfterCreate = await ProjectStateVersionAsync(storage, projectId);

        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(HttpStatusCode.Accepted, (await client.SendAsync(TraceEvents.Post(TraceEvents.Valid(), key.Key.Reveal()))).StatusCode);
        }

        // Ten uses within a minute: the project's stored state has not been rewritten for them.
        Assert.Equal(versionAfterCreate, await ProjectStateVersionAsync(storage, projectId));
    }

    private static IDataProtector Protector(MentioraApp app) =>
        app.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector(ProjectGrain.SigningSecretPurpose);

    private static async Task<long> ProjectStateVersionAsync(TestStorage storage, Guid projectId)
    {
        // Guid-keyed grains are stored under the two 64-bit halves of the id; the one project row has exactly those.
        var bytes = projectId.ToByteArray();
        var versions = await storage.QueryColumnAsync(
            "SELECT Version FROM OrleansStorage WHERE GrainIdN0 = @n0 AND GrainIdN1 = @n1",
            ("n0", BitConverter.ToInt64(bytes, 0)), ("n1", BitConverter.ToInt64(bytes, 8)));
        return Convert.ToInt64(Assert.Single(versions), CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task ReportOnlyAndTheBlockedOriginsSurviveARestart()
    {
        const string shop = "https://shop.example.net";
        var storage = await TestStorage.NewAsync(mode);
        var projectId = Guid.NewGuid();
        CreatedApiKey key;
        await using (var app = new MentioraApp(storage))
        {
            var client = app.Start();
            var project = await app.NewProjectAsync(projectId);
            key = (await project.CreateApiKey(MentioraApp.Owner, "Web")).Created!;
            await project.SetReportOnly(MentioraApp.Owner, key.Summary.Id, true);
            for (var i = 0; i < 2; i++)
            {
                using var trace = TraceEvents.Post(TraceEvents.Valid(), key.Summary.PublishableKey);
                trace.Headers.Add("Origin", shop);
                Assert.Equal(HttpStatusCode.Accepted, (await client.SendAsync(trace)).StatusCode);
            }
        }

        await using (var app = new MentioraApp(storage))
        {
            app.Start();

            // Counted in memory after the last write; a graceful stop stores them, like last-used times.
            var origins = (await app.Grains.GetGrain<IProjectDashboardGrain>(projectId).GetKeyOrigins(MentioraApp.Owner, key.Summary.Id))!;
            Assert.True(origins.ReportOnly);
            var blocked = Assert.Single(origins.BlockedOrigins);
            Assert.Equal((shop, 2, true), (blocked.Origin, blocked.Count, blocked.LastLetThrough));
        }
    }
}

public sealed class PersistenceOnEmbeddedStorage() : PersistenceTests(StorageMode.Embedded)
{
    [Fact]
    public async Task TheDataFolderIsCreatedWhenMissing()
    {
        var storage = TestStorage.NewEmbedded();
        Assert.False(File.Exists(storage.SettingValue));

        await using var app = new MentioraApp(storage);
        app.Start();

        Assert.True(File.Exists(storage.SettingValue));
    }
}

public sealed class PersistenceOnPostgres() : PersistenceTests(StorageMode.Postgres);
