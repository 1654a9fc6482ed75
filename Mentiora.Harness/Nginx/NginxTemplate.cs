using System.Text.RegularExpressions;

namespace Mentiora.Harness.Nginx;

/// <summary>
/// Renders deploy/nginx.conf.template the way the official nginx image does at start: envsubst replaces <c>$NAME</c> and
/// <c>${NAME}</c> only for names that are defined, so nginx's own <c>$host</c>, <c>$remote_addr</c>… stay as they are.
/// </summary>
/// <remarks>Usage: <c>NginxTemplate.Render(File.ReadAllText(NginxTemplate.DefaultPath), new Dictionary&lt;string, string&gt; { ["MENTIORA_LISTEN"] = "8080", … })</c></remarks>
public static partial class NginxTemplate
{
    /// <summary>The variables the template uses; a renderer that leaves one out would leave it in nginx's configuration.</summary>
    public static readonly IReadOnlyList<string> Variables = ["MENTIORA_LISTEN", "MENTIORA_UPSTREAMS", "MENTIORA_NGINX_LOGS", "MENTIORA_NGINX_TEMP", "MENTIORA_OUTER_PROXIES"];

    /// <summary>The template copied beside this program.</summary>
    public static string DefaultPath => Path.Combine(AppContext.BaseDirectory, "nginx.conf.template");

    /// <summary>The template with every defined variable replaced and every other <c>$</c> left alone.</summary>
    public static string Render(string template, IReadOnlyDictionary<string, string> variables) =>
        Reference().Replace(template, match =>
        {
            var name = match.Groups["braced"].Success ? match.Groups["braced"].Value : match.Groups["bare"].Value;
            return variables.TryGetValue(name, out var value) ? value : match.Value;
        });

    /// <summary>
    /// The variables a rendered template needs for silos at <paramref name="upstreams"/> ("host:port"), listening on <paramref name="listen"/>,
    /// passing on the X-Forwarded-Proto of the TLS-terminating proxies in <paramref name="outerProxies"/> (networks, e.g. "127.0.0.1/32").
    /// </summary>
    public static Dictionary<string, string> VariablesFor(
        string listen, IEnumerable<string> upstreams, string logsDirectory, string tempDirectory, IEnumerable<string>? outerProxies = null) => new()
    {
        ["MENTIORA_OUTER_PROXIES"] = string.Join("\n        ", (outerProxies ?? []).Select(network => $"{network} 1;")),
        ["MENTIORA_LISTEN"] = listen,
        // A line each, as compose writes them, indented like the template's upstream block.
        ["MENTIORA_UPSTREAMS"] = string.Join("\n        ", upstreams.Select(u => $"server {u} max_fails=1 fail_timeout=5s;")),
        ["MENTIORA_NGINX_LOGS"] = logsDirectory,
        ["MENTIORA_NGINX_TEMP"] = tempDirectory,
    };

    // envsubst's shell format: a name is a letter or '_' then letters, digits and '_', with or without braces.
    [GeneratedRegex(@"\$(?:\{(?<braced>[A-Za-z_][A-Za-z0-9_]*)\}|(?<bare>[A-Za-z_][A-Za-z0-9_]*))")]
    private static partial Regex Reference();
}
