using System.Net;
using System.Security.Cryptography.X509Certificates;
using Mentiora.Grains.Projects;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Mentiora.Harness.Ports;
using Microsoft.Extensions.Logging.Testing;

namespace Mentiora.Tests.Infrastructure;

/// <summary>
/// The real app (web server and Orleans silo) on a real Kestrel port, pointed at a test storage.
/// Every log line is collected so tests can check what was logged. Every key its grains hand out
/// is recorded in <see cref="IssuedSecrets"/>; when the app is disposed, its database and logs are
/// scanned for all secrets issued so far in the run, and the dispose fails if one is found.
/// </summary>
public sealed class MentioraApp : WebApplicationFactory<Program>
{
    private readonly IReadOnlyDictionary<string, string?> _settings;

    // Each app its own: apps of tests running side by side would otherwise all want the default port.
    private readonly int _metricsPort = FreePort.Next();

    // Set once the host is built: an app never started has nothing to scan, and asking it for its
    // logs would start it only to dispose it.
    private bool _built;
    private int _scanned;
    private int _logRecordsChecked;

    public MentioraApp(TestStorage storage, IReadOnlyDictionary<string, string?>? settings = null)
        : this(storage, settings, certificate: null)
    {
    }

    private MentioraApp(TestStorage storage, IReadOnlyDictionary<string, string?>? settings, X509Certificate2? certificate)
    {
        Storage = storage;
        _settings = settings ?? new Dictionary<string, string?>();
        Certificate = certificate;
        if (certificate is null)
        {
            UseKestrel(FreePort.Next());
        }
        else
        {
            var port = FreePort.Next();
            UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port, listen => listen.UseHttps(certificate)));
        }
    }

    /// <summary>The app served over HTTPS only, with a self-signed certificate made for it (see <see cref="CreateClientHandler"/>).</summary>
    public static MentioraApp OverHttps(TestStorage storage, IReadOnlyDictionary<string, string?>? settings = null) =>
        new(storage, settings, TestCertificate.ForLoopback());

    /// <summary>The certificate the app serves HTTPS with, or null when it serves plain HTTP.</summary>
    public X509Certificate2? Certificate { get; }

    /// <summary>
    /// A socket handler for a client of its own that does not follow redirects; over HTTPS it
    /// accepts exactly this app's certificate, as a browser would once told to trust it.
    /// </summary>
    public HttpClientHandler CreateClientHandler(CookieContainer? cookies = null)
    {
        var handler = new HttpClientHandler { AllowAutoRedirect = false, UseCookies = cookies is not null, CookieContainer = cookies ?? new CookieContainer() };
        if (Certificate is { } expected)
        {
            handler.ServerCertificateCustomValidationCallback = (_, presented, _, _) => presented is not null && presented.RawData.AsSpan().SequenceEqual(expected.RawData);
        }

        return handler;
    }

    /// <summary>Where Prometheus scrapes this app: its metrics port, apart from the web port.</summary>
    public Uri MetricsAddress => new($"http://127.0.0.1:{_metricsPort}/");

    /// <summary>Services added after the app's own, for tests that put a fault or an option of their own into the silo.</summary>
    public Action<IServiceCollection>? TestServices { get; init; }

    /// <summary>Where this app keeps its data.</summary>
    public TestStorage Storage { get; }

    /// <summary>Everything the app logged.</summary>
    public FakeLogCollector Logs => Services.GetFakeLogCollector();

    /// <summary>The silo's grains, as pages and controllers see them.</summary>
    public IGrainFactory Grains => Services.GetRequiredService<IGrainFactory>();

    /// <summary>The key directory lookups and key checks the silo has received.</summary>
    public KeyLookupCalls KeyLookupCalls => Services.GetRequiredService<KeyLookupCalls>();

    /// <summary>The account that owns the projects tests create directly through grains.</summary>
    public const string Owner = "owner@example.com";

    /// <summary>A new project owned by <see cref="Owner"/>, created the way sign-up creates one.</summary>
    public async Task<IProjectDashboardGrain> NewProjectAsync(Guid? projectId = null)
    {
        var project = Grains.GetGrain<IProjectDashboardGrain>(projectId ?? Guid.NewGuid());
        Assert.True(await project.Create(Owner, "Test project"));
        return project;
    }

    /// <summary>The project's keys as its owner sees them.</summary>
    public static async Task<IReadOnlyList<ApiKeySummary>> KeysOf(IProjectDashboardGrain project) => (await project.GetSettings(Owner))!.ApiKeys;

    /// <summary>Starts the app (idempotent) and returns a client for its Kestrel address (over HTTPS use <see cref="CreateClientHandler"/>).</summary>
    public HttpClient Start()
    {
        StartServer();
        return CreateClient();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        Storage.Apply(builder);
        builder.UseSetting("Orleans:SiloPort", FreePort.Next().ToString());
        builder.UseSetting("Orleans:GatewayPort", FreePort.Next().ToString());
        builder.UseSetting("Metrics:Port", _metricsPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Logging:LogLevel:Default", "Debug");
        builder.UseSetting("Logging:LogLevel:Orleans", "Information");

        // Every test talks from 127.0.0.1; only the tests of the limits themselves set them low.
        builder.UseSetting("Limits:FailedAuthenticationsPerIpPerMinute", "1000000");
        builder.UseSetting("Limits:SignInAttemptsPerMinute", "1000000");
        builder.UseSetting("Limits:SignUpsPerAddressPerHour", "1000000");

        // No load balancer to leave: stopping at once keeps every test class's dispose fast. The
        // drain itself is tested on a silo process (GracefulShutdownTests).
        builder.UseSetting("Shutdown:DrainSeconds", "0");

        // Tests send traces with fixed old start times and count them: no background sweep may
        // remove them. The retention tests run a sweep themselves (TraceRetentionSweeper.SweepAsync).
        builder.UseSetting("Traces:Retention:SweepMinutes", "0");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(logging => logging.AddFakeLogging(o => o.CollectRecordsForDisabledLogLevels = false));
        builder.ConfigureServices(services => services.AddSingleton<IIncomingGrainCallFilter, IssuedSecretsRecorder>());
        builder.ConfigureServices(KeyLookupCalls.AddTo);
        if (TestServices is { } testServices)
        {
            builder.ConfigureServices(testServices);
        }

        _built = true;
    }

    /// <summary>
    /// Fails if the log records since the last call, or any database value, hold an issued secret;
    /// for apps shared by several tests (see <see cref="LeakCheckedTests"/>).
    /// </summary>
    public async Task AssertNoSecretsLeakedAsync()
    {
        var records = Logs.GetSnapshot();
        var firstNew = Math.Min(Interlocked.Exchange(ref _logRecordsChecked, records.Count), records.Count);
        SecretScanner.AssertNone(await ScanForSecretsAsync(records, Storage, firstNew), $"app on {Storage.Name}");
    }

    public override async ValueTask DisposeAsync()
    {
        var logs = _built && Interlocked.Exchange(ref _scanned, 1) == 0 ? Logs : null;

        // Stopped first: grains write their state as they deactivate and the trace writer drains.
        await base.DisposeAsync();
        Certificate?.Dispose();
        if (logs is not null)
        {
            var findings = await ScanForSecretsAsync(logs.GetSnapshot(), Storage);
            SecretScanner.AssertNone(findings, $"app on {Storage.Name}");
        }
    }

    /// <summary>
    /// Every issued secret in the log records from <paramref name="firstLogRecord"/> on and in the
    /// whole database; public for tests of the scan itself.
    /// </summary>
    public static async Task<IReadOnlyList<SecretFinding>> ScanForSecretsAsync(IReadOnlyList<FakeLogRecord> logs, TestStorage storage, int firstLogRecord = 0)
    {
        var secrets = IssuedSecrets.Current();
        return
        [
            .. SecretScanner.FindInLogs(logs, $"the app on {storage.Name}", secrets, firstLogRecord),
            .. SecretScanner.FindInDatabase(await storage.DumpAllValuesAsync(), storage.Name, secrets),
        ];
    }
}
