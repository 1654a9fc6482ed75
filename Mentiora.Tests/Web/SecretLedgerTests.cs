using Mentiora.Grains.Keys;
using Mentiora.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Xunit.Sdk;

namespace Mentiora.Tests.Web;

/// <summary>
/// The run-wide secret scans are not vacuous: a secret planted where a leak would put it is
/// reported by place, and the report shows only its prefix.
/// </summary>
public sealed class SecretLedgerTests
{
    [Fact]
    public async Task ASecretInAnyTableIsReportedWithItsTableAndOnlyItsPrefix()
    {
        var key = IssuedSecrets.Record(ApiKeyMaterial.NewSecretKey(), SecretKind.ApiKey, "a planting test");
        var signingSecret = IssuedSecrets.Record(ApiKeyMaterial.NewSigningSecret(), SecretKind.SigningSecret, "a planting test");
        var storage = TestStorage.NewEmbedded();
        Directory.CreateDirectory(Path.GetDirectoryName(storage.SettingValue)!);
        await using (var connection = await storage.OpenAsync())
        {
            await using var command = connection.CreateCommand();
            command.CommandText = """
                CREATE TABLE planted_text (note TEXT);
                CREATE TABLE planted_blob (payload BLOB);
                CREATE TABLE clean (note TEXT);
                INSERT INTO planted_text VALUES ('{"name":"x","key":"' || @key || '"}');
                INSERT INTO planted_blob VALUES (@secret);
                INSERT INTO clean VALUES (@nearMiss);
                """;
            AddParameter(command, "key", key.Value);
            AddParameter(command, "secret", System.Text.Encoding.UTF8.GetBytes($"\u0001\u0002{signingSecret.Value}\u0003"));
            AddParameter(command, "nearMiss", key.Value[..42] + (key.Value[42] == 'A' ? 'B' : 'A'));
            await command.ExecuteNonQueryAsync();
        }

        var findings = await MentioraApp.ScanForSecretsAsync([], storage);

        Assert.Equal(2, findings.Count);
        Assert.Contains(findings, f => f.Secret == key && f.Where.StartsWith("table planted_text of SQLite file", StringComparison.Ordinal));
        Assert.Contains(findings, f => f.Secret == signingSecret && f.Where.StartsWith("table planted_blob of SQLite file", StringComparison.Ordinal));
        AssertReportedByPrefixOnly(findings, key, signingSecret);
    }

    [Fact]
    public void ASecretInAnyPartOfALogRecordIsReportedWithTheRecord()
    {
        var key = IssuedSecrets.Record(ApiKeyMaterial.NewSecretKey(), SecretKind.ApiKey, "a planting test");
        FakeLogRecord Record(string message, IReadOnlyList<KeyValuePair<string, string?>>? state = null, Exception? exception = null, object? scope = null) =>
            new(LogLevel.Information, new EventId(7, "Planted"), state, exception, message, scope is null ? [] : [scope], "Planted.Category", true, DateTimeOffset.UtcNow);
        var records = new[]
        {
            Record("clean"),
            Record($"key {key.Value} rejected"),
            Record("clean message", state: [new("Key", key.Value)]),
            Record("clean message", exception: new InvalidOperationException($"bad key {key.Value}")),
            Record("clean message", scope: new Dictionary<string, object?> { ["RequestPath"] = $"/v1/traces?key={key.Value}" }),
            Record($"prefix only: {key.Prefix}…"),
        };

        var findings = SecretScanner.FindInLogs(records, "a planted log", IssuedSecrets.Current());

        Assert.Equal(new[] { "#1 ", "#2 ", "#3 ", "#4 " }, findings.Select(f => f.Where[(f.Where.IndexOf('#') ..)][..3]));
        Assert.All(findings, f => Assert.Contains("Planted.Category", f.Where));
        AssertReportedByPrefixOnly(findings, key);
    }

    [Fact]
    public async Task ACreationAnswerMayShowItsOwnSecretsOnceAndNoPageAfterwards()
    {
        var server = new CannedResponses();
        using var http = new HttpClient(new SecretWatchingHandler("a canned server", server)) { BaseAddress = new Uri("http://127.0.0.1/") };
        var key = ApiKeyMaterial.NewSecretKey();
        var signingSecret = ApiKeyMaterial.NewSigningSecret();
        server.Body = $"""
            <input id="created-api-key" type="text" class="mono" value="{key}" readonly />
            <input id="created-signing-secret" type="text" class="mono" value="{signingSecret}" readonly />
            """;

        using (var created = await http.PostAsync("/projects/p/settings?handler=Create", new FormUrlEncodedContent([])))
        {
            Assert.Contains(key, await created.Content.ReadAsStringAsync());
        }

        Assert.Equal(2, IssuedSecrets.Current().FindIn($"{key} {signingSecret}").Count);
        server.Body = $"<tr hx-swap-oob=\"true\"><td>{signingSecret}</td></tr>";
        var partial = await Assert.ThrowsAsync<FailException>(() => http.GetAsync("/projects/p/settings?handler=Keys"));
        Assert.Contains("GET /projects/p/settings?handler=Keys on a canned server", partial.Message);
        Assert.Contains($"signing secret {signingSecret[..8]}…", partial.Message);
        Assert.DoesNotContain(signingSecret, partial.Message);

        // A later form post re-showing an earlier key is a leak too, unlike the creation answer.
        server.Body = $"<p>Renamed {key}</p>";
        var rename = await Assert.ThrowsAsync<FailException>(() => http.PostAsync("/projects/p/settings?handler=Rename", new FormUrlEncodedContent([])));
        Assert.Contains($"API key {key[..8]}…", rename.Message);
        Assert.DoesNotContain(key, rename.Message);

        server.Body = $"<p>{key[..8]}…</p>";
        using var settings = await http.GetAsync("/projects/p/settings");
        Assert.Contains(key[..8], await settings.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ACreationAnswerThatShowsAKeyButNoSigningSecretFails()
    {
        var server = new CannedResponses();
        using var http = new HttpClient(new SecretWatchingHandler("a canned server", server)) { BaseAddress = new Uri("http://127.0.0.1/") };
        server.Body = $"""<input id="created-api-key" type="text" class="mono" value="{ApiKeyMaterial.NewSecretKey()}" readonly />""";

        var missing = await Assert.ThrowsAnyAsync<Xunit.Sdk.XunitException>(() => http.PostAsync("/projects/p/settings?handler=Create", new FormUrlEncodedContent([])));

        Assert.Contains("shows a key but no signing secret", missing.Message);
    }

    [Fact]
    public void ASecretInProcessOutputIsReportedWithItsLineNumber()
    {
        var key = IssuedSecrets.Record(ApiKeyMaterial.NewSecretKey(), SecretKind.ApiKey, "a planting test");

        var findings = SecretScanner.FindInLines(["started", $"info: Mentiora.Auth[3] key {key.Value}", "stopped"], "silo Z", IssuedSecrets.Current(), firstLineNumber: 101);

        Assert.Equal("line 102 of silo Z", Assert.Single(findings).Where);
        AssertReportedByPrefixOnly(findings, key);
    }

    private static void AssertReportedByPrefixOnly(IReadOnlyList<SecretFinding> findings, params IssuedSecret[] secrets)
    {
        var failure = Assert.Throws<FailException>(() => SecretScanner.AssertNone(findings, "planted"));
        foreach (var secret in secrets)
        {
            Assert.Contains($"{secret.Prefix}…", failure.Message);
            Assert.DoesNotContain(secret.Value, failure.Message);
        }
    }

    private static void AddParameter(System.Data.Common.DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
