using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Mentiora.Harness.Nginx;
using Mentiora.Harness.Ports;
using Mentiora.Harness.Prerequisites;
using Mentiora.Harness.Processes;
using Mentiora.Tests.Infrastructure;
using Mentiora.Web.Api;
using Mentiora.Web.Configuration;
using Mentiora.Web.Security;
using Microsoft.Extensions.Configuration;
using YamlDotNet.RepresentationModel;

namespace Mentiora.Tests.Web;

/// <summary>
/// docker-compose.yml, deploy/nginx.conf.template and the Dockerfile agree with each other and with what the
/// app reads: no container engine runs in CI, so a mistake here would first show up on a user's machine.
/// </summary>
public sealed partial class DeploymentFilesTests
{
    private static readonly string[] Silos = ["silo1", "silo2"];

    private readonly YamlMappingNode _services = (YamlMappingNode)LoadCompose().Children[new YamlScalarNode("services")];

    [Fact]
    public void ComposeRunsPostgresTwoSilosAndNginx()
    {
        var names = _services.Children.Keys.Select(Text).ToList();

        Assert.All(new[] { "postgres", "silo1", "silo2", "nginx" }, service => Assert.Contains(service, names));
    }

    [Fact]
    public void EveryEnvironmentVariableIsOneTheAppOrItsImageReads()
    {
        var settings = SettingKeys.All.Select(SettingKeys.EnvironmentVariable).ToHashSet(StringComparer.Ordinal);

        foreach (var (service, variables) in _services.Children.Select(s => (Text(s.Key), EnvironmentOf((YamlMappingNode)s.Value))))
        {
            foreach (var name in variables.Keys)
            {
                Assert.True(IsKnown(name, settings), $"{service} sets {name}, which is neither a setting the app reads (SettingKeys.All) nor ASPNETCORE_* or POSTGRES_*, nor one the nginx image (NGINX_*) or the nginx template reads.");
            }
        }
    }

    [Fact]
    public void CommentedOutVariablesInComposeAreSettingsTheAppReadsToo()
    {
        var settings = SettingKeys.All.Select(SettingKeys.EnvironmentVariable).ToHashSet(StringComparer.Ordinal);
        var commented = File.ReadLines(ComposePath).Select(line => CommentedVariable().Match(line)).Where(m => m.Success)
            .Select(m => m.Groups[1].Value).ToList();

        Assert.Contains(SettingKeys.EnvironmentVariable(SettingKeys.OperatorAccountIds), commented);
        Assert.All(commented, name => Assert.True(settings.Contains(name), $"docker-compose.yml suggests {name}, which the app does not read."));
    }

    [Fact]
    public void BothSilosJoinOneClusterOnPostgresAtDifferentAddresses()
    {
        var environments = Silos.ToDictionary(s => s, s => EnvironmentOf(Service(s)));
        string[] required =
        [
            SettingKeys.PostgresConnectionString, SettingKeys.ClusterId, SettingKeys.ServiceId, SettingKeys.SiloPort, SettingKeys.AdvertisedIP,
        ];
        foreach (var (silo, variables) in environments)
        {
            foreach (var key in required)
            {
                var name = SettingKeys.EnvironmentVariable(key);
                Assert.True(variables.TryGetValue(name, out var value) && value.Length > 0, $"{silo} does not set {name}.");
            }
        }

        string Of(string silo, string key) => environments[silo][SettingKeys.EnvironmentVariable(key)];
        Assert.Equal(Of("silo1", SettingKeys.ClusterId), Of("silo2", SettingKeys.ClusterId));
        Assert.Equal(Of("silo1", SettingKeys.ServiceId), Of("silo2", SettingKeys.ServiceId));
        Assert.NotEqual(Of("silo1", SettingKeys.AdvertisedIP), Of("silo2", SettingKeys.AdvertisedIP));
    }

    [Fact]
    public void EachSiloAdvertisesItsOwnStaticAddress()
    {
        foreach (var silo in Silos)
        {
            var advertised = EnvironmentOf(Service(silo))[SettingKeys.EnvironmentVariable(SettingKeys.AdvertisedIP)];
            var networks = (YamlMappingNode)Service(silo).Children[new YamlScalarNode("networks")];
            var addresses = networks.Children.Values.OfType<YamlMappingNode>()
                .Select(n => n.Children.TryGetValue(new YamlScalarNode("ipv4_address"), out var a) ? Text(a) : null).ToList();

            Assert.Contains(advertised, addresses);
        }
    }

    [Fact]
    public void SilosBelieveForwardedHeadersFromNginxsNetworkAndNoOther()
    {
        var ipam = (YamlSequenceNode)((YamlMappingNode)((YamlMappingNode)((YamlMappingNode)LoadCompose().Children[new YamlScalarNode("networks")])
            .Children[new YamlScalarNode("mentiora")]).Children[new YamlScalarNode("ipam")]).Children[new YamlScalarNode("config")];
        var pool = (YamlMappingNode)ipam.Children.Single();
        var subnet = IPNetwork.Parse(Text(pool.Children[new YamlScalarNode("subnet")]));
        // nginx has no static address: Docker hands it one from ip_range.
        var nginxRange = IPNetwork.Parse(Text(pool.Children[new YamlScalarNode("ip_range")]));

        foreach (var silo in Silos)
        {
            var variables = EnvironmentOf(Service(silo));
            var name = SettingKeys.EnvironmentVariable(SettingKeys.TrustedProxyNetworks);
            Assert.True(variables.TryGetValue(name, out var value), $"{silo} does not set {name}: it would see every request as coming from nginx.");
            var trusted = TrustedProxies.FromConfiguration(new ConfigurationBuilder()
                .AddInMemoryCollection(new Dictionary<string, string?> { [SettingKeys.TrustedProxyNetworks] = value }).Build()).Networks;

            Assert.Contains(trusted, network => Within(nginxRange, network));
            Assert.All(trusted, network => Assert.True(Within(network, subnet), $"{silo} trusts {network}, outside the cluster network {subnet}: anyone there could pick their address."));
        }

        static bool Within(IPNetwork inner, IPNetwork outer) => outer.Contains(inner.BaseAddress) && inner.PrefixLength >= outer.PrefixLength;
    }

    [Fact]
    public void NginxBalancesBothSilosOnTheirHttpPort()
    {
        var config = NginxConfig();

        foreach (var silo in Silos)
        {
            var port = HttpPort(silo);
            Assert.Matches(new Regex($@"^\s*server\s+{silo}:{port}\b", RegexOptions.Multiline), config);
        }
    }

    [Fact]
    public void NginxLetsTheAppAnswerOversizedTracesAndRetriesNoPostButATracePostOnAnotherSilo()
    {
        var config = NginxConfig();
        var appLimit = Silos.Max(silo => EnvironmentOf(Service(silo)).TryGetValue(SettingKeys.EnvironmentVariable(SettingKeys.MaxBodyBytes), out var v)
            ? long.Parse(v, CultureInfo.InvariantCulture)
            : new IngestionOptions().MaxBodyBytes);

        // nginx's own 413 is an HTML page; the SDKs read the app's JSON payload_too_large.
        var limit = BodySizeLimit().Match(config);
        Assert.True(limit.Success, "deploy/nginx.conf.template sets no client_max_body_size (nginx's default is 1 MiB).");
        var nginxLimit = long.Parse(limit.Groups[1].Value, CultureInfo.InvariantCulture) * (limit.Groups[2].Value.ToLowerInvariant() switch
        {
            "k" => 1024L,
            "m" => 1024L * 1024,
            "g" => 1024L * 1024 * 1024,
            _ => 1L,
        });
        Assert.True(nginxLimit > appLimit, $"nginx refuses bodies over {nginxLimit} bytes before the app's own limit of {appLimit} can answer.");

        // Only trace ingestion is idempotent (stored once per project, trace and span id): a
        // retried dashboard POST or identity-token mint would do its work twice.
        Assert.Single(Regex.Matches(config, "non_idempotent"));
        var traces = TraceLocation(config);
        Assert.Matches(@"proxy_next_upstream\s+error\s+timeout\s+non_idempotent\s*;", traces);
        Assert.Matches(@"proxy_next_upstream_tries\s+2\s*;", traces);
        Assert.Matches(@"error_page\s+502\s+504\s+=503\s+@api_unavailable\s*;", traces);
        // Set once for the server, which every proxied location inherits; none may turn it on again.
        Assert.Matches(@"proxy_intercept_errors\s+off\s*;", ServerLevel(config));
        Assert.DoesNotMatch(@"proxy_intercept_errors\s+on\b", config);
    }

    [Fact]
    public void EveryProxiedLocationInheritsTheServersProxySettings()
    {
        var config = NginxConfig();
        var server = ServerLevel(config);

        Assert.Matches(@"proxy_http_version\s+1\.1\s*;", server);
        Assert.Matches(@"proxy_set_header\s+Connection\s+""""\s*;", server);
        Assert.Matches(@"proxy_set_header\s+Host\s+\$mentiora_host\s*;", server);
        Assert.Matches(@"proxy_next_upstream\s+error\s+timeout\s*;", server);

        var proxied = PrefixLocation().Matches(config).Where(m => m.Groups[2].Value.Contains("proxy_pass", StringComparison.Ordinal)).ToList();
        Assert.Equal(new[] { "/api/", "/" }, proxied.Select(m => m.Groups[1].Value));
        foreach (var location in proxied)
        {
            // One proxy_set_header (or proxy_http_version) in a location would silently drop all of the server's:
            // nginx inherits such a directive only where the level sets none of its own.
            Assert.Matches(@"^\s*proxy_pass\s+http://mentiora\s*;\s*error_page\s[^;]*;\s*$", location.Groups[2].Value);
        }

        // The trace location sets its own retry policy, and nothing that would drop the inherited headers.
        var traces = TraceLocation(config);
        Assert.Matches(@"proxy_pass\s+http://mentiora\s*;", traces);
        Assert.DoesNotMatch(@"proxy_set_header|proxy_http_version", traces);
    }

    [Fact]
    public void NginxAnswersASiloItCouldNotReachWithJsonForTheApiAndAPageForPeople()
    {
        var config = NginxConfig();
        var unavailable = ApiErrors.Unavailable("any");

        // nginx's own split must be the app's: every API controller lives under /api/.
        var routes = typeof(ApiErrors).Assembly.GetTypes()
            .SelectMany(type => type.GetCustomAttributes(typeof(Microsoft.AspNetCore.Mvc.RouteAttribute), inherit: false))
            .Cast<Microsoft.AspNetCore.Mvc.RouteAttribute>()
            .Select(route => route.Template)
            .ToList();
        Assert.NotEmpty(routes);
        Assert.All(routes, template => Assert.StartsWith("api/", template, StringComparison.Ordinal));

        // A silo killed mid-request would otherwise get the client nginx's HTML 502, which SDKs do not retry as "later".
        var api = UnavailableLocation(config, "/api/");
        Assert.Matches(@"default_type\s+application/json\s*;", api);
        Assert.Matches(@"add_header\s+Retry-After\s+\d+\s+always\s*;", api);
        var answer = ReturnedBody().Match(api);
        Assert.True(answer.Success, "the API's named location does not return 503 with a body.");
        var error = System.Text.Json.Nodes.JsonNode.Parse(answer.Groups[1].Value)!["error"]!;
        Assert.Equal(unavailable.Code, (string?)error["code"]);
        Assert.False(string.IsNullOrWhiteSpace((string?)error["message"]), "the 503 says what to do");

        // Dashboard pages and htmx partials: a person reads it, so HTML, and with nothing to load from the silos that are down.
        var page = UnavailableLocation(config, "/");
        Assert.Matches(@"default_type\s+""text/html;\s*charset=utf-8""\s*;", page);
        Assert.Matches(@"add_header\s+Retry-After\s+\d+\s+always\s*;", page);
        answer = ReturnedBody().Match(page);
        Assert.True(answer.Success, "the pages' named location does not return 503 with a body.");
        var html = answer.Groups[1].Value;
        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.OrdinalIgnoreCase);
        Assert.Matches("<title>[^<]*unavailable[^<]*</title>", html);
        Assert.Contains("Reload", html, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"(?i)<script|<link|<img|\ssrc=|\shref=|url\(", html);
    }

    [Fact]
    public void ComposeRendersTheOneNginxTemplateWithEveryVariableItUses()
    {
        var nginx = Service("nginx");
        var mounts = (YamlSequenceNode)nginx.Children[new YamlScalarNode("volumes")];
        var template = Assert.Single(mounts.Children.Select(VolumeMount), m => m.Target.StartsWith("/etc/nginx/", StringComparison.Ordinal));
        Assert.Equal("./deploy/nginx.conf.template", template.Source);
        // The image renders /etc/nginx/templates/*.template into NGINX_ENVSUBST_OUTPUT_DIR, keeping the name without
        // ".template": here /etc/nginx/nginx.conf, the file nginx reads.
        Assert.Equal("/etc/nginx/templates/nginx.conf.template", template.Target);
        var environment = EnvironmentOf(nginx);
        Assert.Equal("/etc/nginx", environment.GetValueOrDefault("NGINX_ENVSUBST_OUTPUT_DIR"));

        // envsubst leaves an undefined variable as it is, which nginx would then refuse or, worse, read as its own.
        var text = NginxComment().Replace(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "deploy", "nginx.conf.template")), string.Empty);
        var used = TemplateVariable().Matches(text).Select(m => m.Groups[1].Value).Distinct().ToList();
        Assert.Equal(NginxTemplate.Variables.Order(), used.Order());
        Assert.All(used, name => Assert.True(environment.ContainsKey(name), $"compose's nginx does not define {name}, which the template uses."));
        // envsubst replaces every defined variable, so none may carry the name of one of nginx's own.
        var nginxOwn = NginxVariable().Matches(text).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        Assert.DoesNotContain(environment.Keys, nginxOwn.Contains);
    }

    [Fact]
    public void TheHarnessRendersTheTemplateAsEnvsubstDoesReplacingOnlyDefinedVariables()
    {
        var rendered = NginxTemplate.Render(
            "listen ${MENTIORA_LISTEN}; $MENTIORA_LISTEN $MENTIORA_LISTENER ${MENTIORA_UNSET} $host ${host} $",
            new Dictionary<string, string> { ["MENTIORA_LISTEN"] = "8080" });

        Assert.Equal("listen 8080; 8080 $MENTIORA_LISTENER ${MENTIORA_UNSET} $host ${host} $", rendered);
    }

    [Fact]
    public async Task TheHarnessRenderingOfTheTemplateIsAcceptedByNginx()
    {
        var nginx = await HostTools.RequireAsync(Prerequisite.Nginx, install: false);
        var dir = Path.Combine(Path.GetTempPath(), $"mentiora-nginx-check-{Guid.NewGuid():N}");
        try
        {
            var config = NginxProcess.WriteConfig(dir, [$"127.0.0.1:{FreePort.Next()}", $"127.0.0.1:{FreePort.Next()}"], FreePort.Next());

            var check = await CommandRunner.RunAsync(nginx, ["-t", .. NginxProcess.Arguments(nginx, dir, config)], workingDirectory: "/");

            Assert.Contains("test is successful", check, StringComparison.Ordinal);
            var rendered = File.ReadAllText(config);
            Assert.DoesNotContain("${", rendered, StringComparison.Ordinal);
            Assert.Contains("proxy_set_header Host $mentiora_host;", rendered, StringComparison.Ordinal);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void TheImageExposesThePortsTheSilosUse()
    {
        var exposed = File.ReadLines(Path.Combine(RepositoryRoot.Path, "Dockerfile"))
            .Select(line => line.Trim())
            .Where(line => line.StartsWith("EXPOSE ", StringComparison.OrdinalIgnoreCase))
            .SelectMany(line => line["EXPOSE ".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(port => port.Split('/')[0])
            .ToHashSet();

        foreach (var silo in Silos)
        {
            var variables = EnvironmentOf(Service(silo));
            Assert.Contains(HttpPort(silo), exposed);
            Assert.Contains(variables[SettingKeys.EnvironmentVariable(SettingKeys.SiloPort)], exposed);
            Assert.Contains(variables[SettingKeys.EnvironmentVariable(SettingKeys.GatewayPort)], exposed);
        }
    }

    [Fact]
    public void PostgresKeepsItsDataInANamedVolume()
    {
        var volumes = (YamlSequenceNode)Service("postgres").Children[new YamlScalarNode("volumes")];
        var dataVolume = volumes.Children.Select(VolumeMount).Single(m => m.Target == "/var/lib/postgresql/data");
        var declared = (YamlMappingNode)LoadCompose().Children[new YamlScalarNode("volumes")];

        // A host path would tie the data to one folder and its permissions; a named volume is Docker's to manage.
        Assert.Matches("^[A-Za-z0-9][A-Za-z0-9_.-]*$", dataVolume.Source);
        Assert.Contains(dataVolume.Source, declared.Children.Keys.Select(Text));
    }

    private static string ComposePath => Path.Combine(RepositoryRoot.Path, "docker-compose.yml");

    private static YamlMappingNode LoadCompose()
    {
        using var reader = new StreamReader(ComposePath);
        var stream = new YamlStream();
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    private YamlMappingNode Service(string name) => (YamlMappingNode)_services.Children[new YamlScalarNode(name)];

    // Compose accepts both a mapping and a list of NAME=value.
    private static Dictionary<string, string> EnvironmentOf(YamlMappingNode service)
    {
        if (!service.Children.TryGetValue(new YamlScalarNode("environment"), out var environment)) return [];
        return environment switch
        {
            YamlMappingNode map => map.Children.ToDictionary(e => Text(e.Key), e => Text(e.Value)),
            YamlSequenceNode list => list.Children.Select(Text).Select(item => item.Split('=', 2))
                .ToDictionary(parts => parts[0], parts => parts.Length > 1 ? parts[1] : string.Empty),
            _ => throw new InvalidOperationException("environment is neither a mapping nor a list"),
        };
    }

    private static bool IsKnown(string name, HashSet<string> settings) =>
        settings.Contains(name) || name.StartsWith("ASPNETCORE_", StringComparison.Ordinal) || name.StartsWith("POSTGRES_", StringComparison.Ordinal)
        || name.StartsWith("NGINX_", StringComparison.Ordinal) || NginxTemplate.Variables.Contains(name);

    private string HttpPort(string silo)
    {
        var urls = EnvironmentOf(Service(silo)).GetValueOrDefault("ASPNETCORE_URLS") ?? throw new InvalidOperationException($"{silo} does not set ASPNETCORE_URLS.");
        var match = UrlPort().Match(urls);
        Assert.True(match.Success, $"{silo}'s ASPNETCORE_URLS '{urls}' names no port.");
        return match.Groups[1].Value;
    }

    // The template as the official image renders it with compose's environment for nginx, without comments: only directives count.
    private string NginxConfig()
    {
        var mounts = (YamlSequenceNode)Service("nginx").Children[new YamlScalarNode("volumes")];
        var config = mounts.Children.Select(VolumeMount).Single(m => m.Target.StartsWith("/etc/nginx/", StringComparison.Ordinal));
        var rendered = NginxTemplate.Render(File.ReadAllText(Path.Combine(RepositoryRoot.Path, config.Source)), EnvironmentOf(Service("nginx")));
        return NginxComment().Replace(rendered, string.Empty);
    }

    // The server block without its locations: what every location inherits.
    private static string ServerLevel(string config)
    {
        var server = ServerBlock().Match(config);
        Assert.True(server.Success, "deploy/nginx.conf.template has no server block.");
        return LocationBlock().Replace(server.Value, string.Empty);
    }

    // The body of the exact location of trace ingestion.
    private static string TraceLocation(string config)
    {
        var location = Regex.Match(config, @"location\s*=\s*/api/v1/traces\s*\{([^{}]*)\}");
        Assert.True(location.Success, "deploy/nginx.conf.template has no exact location = /api/v1/traces.");
        return location.Groups[1].Value;
    }

    // The body of the named location that a prefix location sends nginx's own 502 and 504 to.
    private static string UnavailableLocation(string config, string path)
    {
        var prefix = PrefixLocation().Matches(config).SingleOrDefault(m => m.Groups[1].Value == path);
        Assert.True(prefix is not null, $"deploy/nginx.conf.template has no location {path}.");
        var errorPage = ErrorPage().Match(prefix.Groups[2].Value);
        Assert.True(errorPage.Success, $"location {path} does not turn nginx's own 502 and 504 into a 503 from a named location.");
        var named = NamedLocation(errorPage.Groups[1].Value).Match(config);
        Assert.True(named.Success, $"deploy/nginx.conf.template has no location @{errorPage.Groups[1].Value}.");
        return named.Groups[1].Value;
    }

    private static (string Source, string Target) VolumeMount(YamlNode volume) => volume switch
    {
        YamlScalarNode shortSyntax when Text(shortSyntax).Split(':') is [var source, var target, ..] => (source, target),
        YamlMappingNode longSyntax => (Text(longSyntax.Children[new YamlScalarNode("source")]), Text(longSyntax.Children[new YamlScalarNode("target")])),
        _ => throw new InvalidOperationException($"Unreadable volume entry at {volume.Start}."),
    };

    private static string Text(YamlNode node) => ((YamlScalarNode)node).Value ?? string.Empty;

    [GeneratedRegex(@"^\s*#\s*([A-Za-z]+__[A-Za-z_]+)\s*:")]
    private static partial Regex CommentedVariable();

    [GeneratedRegex("#[^\n]*")]
    private static partial Regex NginxComment();

    [GeneratedRegex(@"client_max_body_size\s+(\d+)([kKmMgG]?)\s*;")]
    private static partial Regex BodySizeLimit();

    [GeneratedRegex(@"error_page\s+502\s+504\s+=503\s+@(\w+)\s*;")]
    private static partial Regex ErrorPage();

    // Up to the brace that closes the block on a line of its own: the JSON body holds braces too.
    private static Regex NamedLocation(string name) => new($@"(?s)location\s+@{Regex.Escape(name)}\s*\{{(.*?)^\s*\}}\s*$", RegexOptions.Multiline);

    [GeneratedRegex(@"return\s+503\s+'([^']*)'\s*;")]
    private static partial Regex ReturnedBody();

    [GeneratedRegex(@"\$\{(MENTIORA_[A-Z_]+)\}")]
    private static partial Regex TemplateVariable();

    [GeneratedRegex(@"\$([a-z_][a-z0-9_]*)")]
    private static partial Regex NginxVariable();

    // A location by path (not = or @) whose block holds no other block, as the proxied ones do not.
    [GeneratedRegex(@"location\s+(/\S*)\s*\{([^{}]*)\}")]
    private static partial Regex PrefixLocation();

    // Every location block, named ones included, whose quoted bodies may hold braces.
    [GeneratedRegex(@"location\s[^{]*\{(?:'[^']*'|[^{}'])*\}")]
    private static partial Regex LocationBlock();

    // From the server's opening line to the brace closing it at the server's own indentation.
    [GeneratedRegex(@"(?ms)^([ \t]*)server\s*\{.*?^\1\}")]
    private static partial Regex ServerBlock();

    [GeneratedRegex(@":(\d+)/?(?:;|$)")]
    private static partial Regex UrlPort();
}
