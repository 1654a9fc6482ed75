using System.Net;
using System.Text;
using Mentiora.Grains.Projects;
using Mentiora.Tests.Infrastructure;
using Mentiora.Web.Storage;

namespace Mentiora.Tests.Web;

/// <summary>A plaintext key or signing secret never reaches the database or the logs.</summary>
public abstract class SecretsTests(StorageMode mode)
{
    [Fact]
    public async Task PlaintextKeysAndSigningSecretsAreNeitherStoredNorLogged()
    {
        var storage = await TestStorage.NewAsync(mode);
        await using var app = new MentioraApp(storage);
        var client = app.Start();
        var project = await app.NewProjectAsync();
        var created = new List<CreatedApiKey>();
        for (var i = 0; i < 3; i++)
        {
            created.Add((await project.CreateApiKey(MentioraApp.Owner, $"Key {i}")).Created!);
        }

        // Use the keys the ways that reach the most code: success, a revoked key, a near miss.
        Assert.Equal(HttpStatusCode.Accepted, (await client.SendAsync(TraceEvents.Post(TraceEvents.Valid(), created[0].Key.Reveal()))).StatusCode);
        await project.RevokeApiKey(MentioraApp.Owner, created[1].Summary.Id);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(TraceEvents.Post(TraceEvents.Valid(), created[1].Key.Reveal()))).StatusCode);
        var nearMiss = created[2].Key.Reveal()[..42] + (created[2].Key.Reveal()[42] == 'A' ? 'B' : 'A');
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(TraceEvents.Post(TraceEvents.Valid(), nearMiss))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.SendAsync(TraceEvents.Post("{", created[2].Key.Reveal()))).StatusCode);

        var secrets = created.SelectMany(k => new[] { k.Key.Reveal(), k.SigningSecret.Reveal() }).Append(nearMiss).ToArray();

        // The app's call filter recorded every key it handed out (so the dispose scan looks for them), and nothing else.
        Assert.Equal(6, IssuedSecrets.Current().FindIn(string.Join(" ", secrets)).Count);
        var stored = await storage.DumpAllValuesAsync();
        Assert.NotEmpty(stored);
        foreach (var secret in secrets)
        {
            var bytes = Encoding.UTF8.GetBytes(secret);
            var found = stored.Where(v => v.Value.AsSpan().IndexOf(bytes) >= 0).Select(v => v.Table).ToArray();
            Assert.True(found.Length == 0, $"a secret was found in table(s) {string.Join(", ", found)}");
        }

        // The hash is what is stored: proof that the scan looked at the grain state at all.
        var hash = Mentiora.Grains.Keys.ApiKeyMaterial.Hash(created[0].Key.Reveal());
        Assert.Contains(stored, v => v.Value.AsSpan().IndexOf(hash) >= 0);

        var logs = app.Logs.GetSnapshot();
        Assert.NotEmpty(logs);
        foreach (var record in logs)
        {
            var line = $"{record.Message} {record.Exception} {string.Join(" ", record.StructuredState?.Select(p => p.Value) ?? [])}";
            Assert.DoesNotContain(secrets, s => line.Contains(s, StringComparison.Ordinal));
        }
    }
}

public sealed class SecretsOnEmbeddedStorage() : SecretsTests(StorageMode.Embedded);

public sealed class SecretsOnPostgres() : SecretsTests(StorageMode.Postgres);
