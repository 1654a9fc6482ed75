using Microsoft.Extensions.Primitives;

namespace Mentiora.Web.Security;

/// <summary>
/// Over HTTPS our cookies (session, antiforgery) are named <c>__Host-mentiora.…</c>: browsers then accept them only
/// Secure, for the whole site (Path=/) and without a Domain, so a neighbouring subdomain or a plain-HTTP page cannot plant
/// or overwrite one. Over plain HTTP (local development) they keep their names, since browsers refuse the prefix there.
/// </summary>
/// <remarks>
/// The cookie authentication and antiforgery options take one fixed name, and whether a request is HTTPS is known per
/// request only (through nginx, from X-Forwarded-Proto), so the names are translated here: the app inside always sees
/// <c>mentiora.…</c>. An unprefixed copy arriving over HTTPS is dropped, since that is the kind of cookie the prefix keeps
/// others from setting.
/// </remarks>
public sealed class HostPrefixedCookiesMiddleware(RequestDelegate next)
{
    /// <summary>The prefix browsers enforce Secure, Path=/ and no Domain for.</summary>
    public const string HostPrefix = "__Host-";

    /// <summary>What the names of the app's own cookies start with.</summary>
    public const string OwnCookiePrefix = "mentiora.";

    private const string PrefixedOwn = HostPrefix + OwnCookiePrefix;

    public Task InvokeAsync(HttpContext context)
    {
        if (!context.Request.IsHttps)
        {
            return next(context);
        }

        var request = context.Request.Headers;
        if (request.Cookie.Count > 0)
        {
            request.Cookie = new StringValues(string.Join("; ", request.Cookie.SelectMany(Pairs).Select(Inbound).OfType<string>()));
        }

        // Runs after every other part of the request set its cookies, the cookie handler's sliding renewal included.
        context.Response.OnStarting(static state =>
        {
            var headers = ((HttpResponse)state).Headers;
            var setCookies = headers.SetCookie;
            if (setCookies.Count > 0)
            {
                headers.SetCookie = new StringValues(setCookies.Select(c => c!.StartsWith(OwnCookiePrefix, StringComparison.Ordinal) ? HostPrefix + c : c).ToArray());
            }

            return Task.CompletedTask;
        }, context.Response);
        return next(context);
    }

    private static IEnumerable<string> Pairs(string? header) =>
        (header ?? string.Empty).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static string? Inbound(string pair) =>
        pair.StartsWith(PrefixedOwn, StringComparison.Ordinal) ? pair[HostPrefix.Length..]
        : pair.StartsWith(OwnCookiePrefix, StringComparison.Ordinal) ? null
        : pair;
}
