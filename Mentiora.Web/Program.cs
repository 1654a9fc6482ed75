using System.Text.Encodings.Web;
using System.Text.Unicode;
using Mentiora.Grains;
using Mentiora.Grains.Activity;
using Mentiora.Web.Activity;
using Mentiora.Web.Api;
using Mentiora.Web.Configuration;
using Mentiora.Web.Operations;
using Mentiora.Web.Pages;
using Mentiora.Web.Sdk;
using Mentiora.Web.Security;
using Mentiora.Web.Storage;
using Mentiora.Web.Traces;
using Mentiora.Web.Usage;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.WebEncoders;
using Npgsql;
using OpenTelemetry.Metrics;
using Orleans.Configuration;
using Orleans.Dashboard;
using Orleans.Serialization;
using Orleans.Storage;

// The content root comes from where the app is, not from the working directory it was started in (see AppContentRoot).
string? contentRoot;
try
{
    contentRoot = AppContentRoot.Find(args, AppContext.BaseDirectory);
}
catch (InvalidSettingException e)
{
    Console.Error.WriteLine($"Mentiora could not start. {e.Message}");
    Environment.ExitCode = 1;
    return;
}

var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = contentRoot });

// Storage: PostgreSQL when a connection string is configured, else a SQLite file. The schema
// must exist before the silo starts, because Orleans reads its queries from it at start-up.
StorageSettings storage;
TrustedProxies trustedProxies;
ClusterTransport clusterTransport;
KeyRingProtection keyRingProtection;
MetricsEndpoint metricsEndpoint;
try
{
    // Checked before the database is touched: a mistyped setting stops the app at once.
    trustedProxies = TrustedProxies.FromConfiguration(builder.Configuration);
    OperatorPolicy.RefuseRetiredSetting(builder.Configuration);
    storage = StorageSettings.FromConfiguration(builder.Configuration, builder.Environment.ContentRootPath);
    clusterTransport = ClusterTransport.FromConfiguration(builder.Configuration);
    keyRingProtection = KeyRingProtection.FromConfiguration(builder.Configuration);
    metricsEndpoint = MetricsEndpoint.FromConfiguration(builder.Configuration, storage);
    using var startupLog = LoggerFactory.Create(log => log.AddConfiguration(builder.Configuration.GetSection("Logging")).AddConsole());
    await DatabaseSchema.ApplyAsync(storage, startupLog.CreateLogger("Mentiora.Storage"));
    // After the database: when both are wrong, the storage is what the operator must hear of first.
    metricsEndpoint.EnsurePortIsFree();
}
catch (Exception e) when (e is StorageUnavailableException or InvalidSettingException)
{
    // One line an operator can act on, not a stack trace.
    Console.Error.WriteLine($"Mentiora could not start. {e.Message}");
    Environment.ExitCode = 1;
    return;
}

// Header bytes that are not UTF-8 (HTTP allows them) reach our handlers, which answer in JSON, instead of Kestrel's empty 400.
builder.WebHost.ConfigureKestrel(kestrel => kestrel.RequestHeaderEncodingSelector = _ => System.Text.Encoding.Latin1);

var dataSource = storage.CreateDataSource();
builder.Services.AddSingleton(dataSource);
builder.Services.AddSingleton(storage);
builder.Services.AddSingleton(TimeProvider.System);

// Data Protection keys live in the database, so cookies and signing secrets work on every silo.
// With a certificate configured the keys are encrypted at rest too (see KeyRingProtection).
keyRingProtection.ApplyTo(builder.Services.AddDataProtection().SetApplicationName("Mentiora"));
builder.Services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(
    new ConfigureOptions<KeyManagementOptions>(o => o.XmlRepository = new DatabaseXmlRepository(dataSource)));

// The co-hosted Orleans silo: grain state in the same database.
builder.UseOrleans(silo =>
{
    silo.Configure<ClusterOptions>(o =>
    {
        o.ClusterId = builder.Configuration[SettingKeys.ClusterId] ?? "mentiora";
        o.ServiceId = builder.Configuration[SettingKeys.ServiceId] ?? "mentiora";
    });
    ConfigureClustering(silo, storage, builder.Configuration);
    // Mutual TLS between silos and on the gateway when the cluster has a certificate (see ClusterTransport).
    clusterTransport.ApplyTo(silo);

    // Quick failure detection: a dead silo's keys move to a live one within seconds, not a minute.
    silo.Configure<ClusterMembershipOptions>(o =>
    {
        o.ProbeTimeout = TimeSpan.FromSeconds(builder.Configuration.GetValue(SettingKeys.ProbeTimeoutSeconds, 2));
        o.NumMissedProbesLimit = builder.Configuration.GetValue(SettingKeys.MissedProbesLimit, 2);
    });
    // The dashboard's live log would show every tenant's log lines to operators: off.
    silo.AddDashboard(o => o.HideTrace = true);
    silo.AddAdoNetGrainStorage(StorageNames.Grains, options => options.Configure<Serializer>((o, serializer) =>
    {
        o.Invariant = storage.OrleansInvariant;
        o.ConnectionString = storage.ConnectionString;
        // Orleans' own version-tolerant format, driven by the [Id] attributes on state types.
        o.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer);
    }));
});

// Behind nginx the client's address and scheme come from X-Forwarded-For/-Proto, believed only from
// the configured proxies. PostConfigure: ASPNETCORE_FORWARDEDHEADERS_ENABLED, which would believe
// anyone, gets this same list too.
builder.Services.PostConfigure<ForwardedHeadersOptions>(trustedProxies.ApplyTo);

// Operations: health for load balancers, metrics for Prometheus.
builder.Services.AddSingleton<MentioraMetrics>();
builder.Services.AddSingleton<AbuseLimits>();
builder.Services.AddKeyRateLimit(builder.Configuration);
builder.Services.AddSingleton<KeyOwnerCache>();
// API grain calls wait out a silo's death instead of answering 503 at once (see GrainCallRetry).
builder.Services.AddSingleton<GrainCallRetry>();
// /readyz itself says which check is not ready and why; the health check service would also log
// every poll of it as an error (each second of a drain or a database outage, from each balancer).
builder.Logging.AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks.DefaultHealthCheckService", LogLevel.Critical);
builder.Services.AddHealthChecks()
    .AddCheck<DatabaseHealthCheck>("database", tags: [ReadyTag])
    .AddCheck<SiloHealthCheck>("silo", tags: [ReadyTag])
    .AddCheck<DrainHealthCheck>("drain", tags: [ReadyTag]);

// On SIGTERM: leave the balancer's rotation first (see ShutdownDrain), then stop. The host waits
// for the drain, the requests in flight (a trace request may hold up to Traces:RideThroughSeconds
// while the database is away) and the trace writer's last commits, plus a margin for Orleans to
// hand its grains over; docker-compose.yml's stop_grace_period must stay above it.
// Per-key usage figures, summed on this silo and reported to the project grains each second;
// registered before the drain so that it stops after the last requests, and before the silo stops.
builder.Services.AddSingleton<KeyUsageRecorder>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<KeyUsageRecorder>());
builder.Services.AddSingleton<ShutdownDrain>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<ShutdownDrain>());
builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = ShutdownTimeout(builder.Configuration));
builder.Services.AddOpenTelemetry().WithMetrics(metrics =>
{
    metrics.AddMeter(MentioraMetrics.MeterName, "Microsoft.AspNetCore.Hosting");
    // On a port of its own, never the web port (see MetricsEndpoint).
    if (metricsEndpoint.IsEnabled)
    {
        metrics.AddPrometheusHttpListener(o =>
        {
            o.Host = metricsEndpoint.Host;
            o.Port = metricsEndpoint.Port;
        });
    }
});

// Traces: a bounded queue group-committed to the database.
builder.Services.Configure<TraceWriterOptions>(builder.Configuration.GetSection("Traces"));
builder.Services.Configure<IngestionOptions>(builder.Configuration.GetSection("Ingestion"));
AddTraceSink(builder.Services, storage);
builder.Services.AddSingleton<TraceWriter>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<TraceWriter>());
builder.Services.AddSingleton<TraceReader>();
builder.Services.AddSingleton<TraceSpanReader>();
// Trace retention: each project's old traces removed in the background (and, on PostgreSQL, daily partitions kept).
builder.Services.Configure<TraceRetentionOptions>(builder.Configuration.GetSection("Traces:Retention"));
builder.Services.AddSingleton<TraceRetentionSweeper>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<TraceRetentionSweeper>());

// The project activity log: grains append to it (IActivityLog), pages read it, a year is kept.
builder.Services.AddSingleton<DatabaseActivityLog>();
builder.Services.AddSingleton<IActivityLog>(sp => sp.GetRequiredService<DatabaseActivityLog>());
builder.Services.AddHostedService<ActivityRetention>();

// People sign in to the dashboard with a cookie; machines use API keys on the ingestion API.
builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
    .AddCookie(o =>
    {
        o.LoginPath = "/signin";
        o.LogoutPath = "/signout";
        o.AccessDeniedPath = "/status/403";
        o.Cookie.Name = "mentiora.session";
        o.Cookie.HttpOnly = true;
        o.Cookie.SameSite = SameSiteMode.Lax;
        o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        o.ExpireTimeSpan = TimeSpan.FromDays(14);
        o.SlidingExpiration = true;
        // Signing out (here or everywhere) ends the session on the server too: see CurrentUser.ValidateSessionAsync.
        o.Events.OnValidatePrincipal = CurrentUser.ValidateSessionAsync;
    })
    .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
builder.Services.AddAuthorization(o =>
{
    SecretKeyPolicy.Add(o);
    OperatorPolicy.Add(o, builder.Configuration);
});
builder.Services.AddControllers();
builder.Services.AddIngestionCors();
builder.Services.AddBrowserSdkFile();

// htmx sends the antiforgery token in this header (from a meta tag); plain forms send the hidden field.
builder.Services.AddAntiforgery(o =>
{
    o.HeaderName = AntiforgeryHeader.Name;
    o.Cookie.Name = "mentiora.antiforgery";
    o.Cookie.SameSite = SameSiteMode.Strict;
    // Like the session cookie: Secure whenever the browser used HTTPS, also through nginx; plain HTTP still works locally.
    o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
});
// Over HTTPS browsers are told to use nothing else for a year. Loopback is not excluded: plain-HTTP development never
// gets the header, and a local HTTPS test must see what production sends. No includeSubDomains: other hosts under the
// same domain are not ours to decide.
builder.Services.AddHsts(o =>
{
    o.MaxAge = TimeSpan.FromDays(365);
    o.ExcludedHosts.Clear();
});
builder.Services.AddRazorPages(o => o.Conventions.AuthorizeFolder("/Projects"));
builder.Services.AddExceptionHandler<DashboardUnavailableHandler>();

// Pages show names in any language as they are; HTML-significant characters are still escaped.
builder.Services.Configure<WebEncoderOptions>(o => o.TextEncoderSettings = new TextEncoderSettings(UnicodeRanges.All));

var app = builder.Build();

// First: everything after it (security headers, limits, cookies, redirects) must see the client's
// address and scheme, not nginx's.
app.UseForwardedHeaders();

// Both need the browser's scheme from the line above: HSTS and the __Host- names only over HTTPS.
app.UseHsts();
app.UseMiddleware<HostPrefixedCookiesMiddleware>();

// While the silo drains, every answer closes its connection: nginx never polls /readyz, so
// closing its kept-alive connections (and refusing new ones afterwards) is what moves it elsewhere.
var drain = app.Services.GetRequiredService<ShutdownDrain>();
app.Use((context, next) =>
{
    if (drain.IsDraining)
    {
        // When the answer starts, so that an exception handler's cleared headers do not lose it.
        context.Response.OnStarting(static response =>
        {
            ((HttpResponse)response).Headers.Connection = "close";
            return Task.CompletedTask;
        }, context.Response);
    }

    return next(context);
});

// Browser protections on every answer (see SecurityHeadersMiddleware).
app.UseMiddleware<SecurityHeadersMiddleware>();

// Browsers may send traces from other origins; the key decides which (see IngestionCors).
app.UseIngestionCors();

// API errors are JSON in the SDKs' shape, whatever produced them (see ApiErrorHandling).
app.UseApiErrors();

// A dashboard request that fails because the database or a silo is briefly away gets a 503 that
// says nothing was changed; any other failure the 500 status page (see DashboardErrorHandling).
app.UseDashboardErrors();

// Dashboard errors get a page a person can read; an htmx request gets the status as it is.
app.UseWhen(context => !ApiErrorHandling.IsApiRequest(context) && !context.Request.IsHtmx(), web => web.UseStatusCodePagesWithReExecute("/status/{0}"));
app.UseStaticFiles();
app.UseRouting();
app.UseAuthentication();
app.UseAuthorization();

// Activity entries say from which address a dashboard change was made (see ActivityContext).
app.Use(async (context, next) =>
{
    if (!ApiErrorHandling.IsApiRequest(context))
    {
        ActivityContext.SetClientAddress(ActivityAddress.Of(context));
    }

    await next(context);
});

// After authorization: the per-key limit is partitioned by the key it established.
app.UseRateLimiter();
app.MapControllers();
app.MapRazorPages();
app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false });
app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag), ResponseWriter = ReadinessReport.WriteAsync });
app.MapOrleansDashboard("/ops/orleans").RequireAuthorization(OperatorPolicy.Name);

// Said once at start: what an operator must fix before this deployment is trusted.
var startLog = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Mentiora.Startup");
if (clusterTransport.WarrantsWarning(storage)) startLog.LogWarning(ClusterTransport.UnencryptedWarning);
if (keyRingProtection.WarrantsWarning(storage)) startLog.LogWarning(KeyRingProtection.UnencryptedWarning);

// One first Data Protection key for the whole cluster, before anyone signs in.
await KeyRingBootstrap.EnsureKeyAsync(app.Services, storage);

// The Public Suffix List is read now (tens of milliseconds), not by the first browser request a wildcard origin answers.
Mentiora.Grains.Keys.PublicSuffixList.EnsureLoaded();

app.Run();

static void ConfigureClustering(ISiloBuilder silo, StorageSettings storage, IConfiguration configuration)
{
    var siloPort = configuration.GetValue(SettingKeys.SiloPort, 11111);
    var gatewayPort = configuration.GetValue(SettingKeys.GatewayPort, 30000);
    if (storage.Mode == StorageMode.Embedded)
    {
        silo.UseLocalhostClustering(siloPort, gatewayPort);
        return;
    }

    silo.UseAdoNetClustering(o =>
    {
        o.Invariant = storage.OrleansInvariant;
        o.ConnectionString = storage.ConnectionString;
    });
    var advertised = System.Net.IPAddress.Parse(configuration[SettingKeys.AdvertisedIP] ?? "127.0.0.1");
    // A silo advertised on loopback is a local cluster: keep its ports off the network too.
    silo.ConfigureEndpoints(advertised, siloPort, gatewayPort, listenOnAnyHostAddress: !System.Net.IPAddress.IsLoopback(advertised));
}

static TimeSpan ShutdownTimeout(IConfiguration configuration)
{
    var drain = Math.Max(0, configuration.GetValue(SettingKeys.ShutdownDrainSeconds, ShutdownDrain.DefaultDrainSeconds));
    // How long a trace request may wait for the database.
    var rideThrough = Math.Max(0, configuration.GetValue(SettingKeys.TraceRideThroughSeconds, new TraceWriterOptions().RideThroughSeconds));
    return TimeSpan.FromSeconds(drain + rideThrough + 10);
}

static void AddTraceSink(IServiceCollection services, StorageSettings storage)
{
    if (storage.Mode == StorageMode.Postgres)
    {
        services.AddSingleton<ITraceBatchSink>(_ => new PostgresTraceSink(storage.ConnectionString));
    }
    else
    {
        services.AddSingleton<ITraceBatchSink, SqliteTraceSink>();
    }
}

/// <summary>The entry point, visible to the integration tests.</summary>
public partial class Program
{
    /// <summary>Health checks that decide readiness (the /readyz endpoint).</summary>
    private const string ReadyTag = "ready";
}
