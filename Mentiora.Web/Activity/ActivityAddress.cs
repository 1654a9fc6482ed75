namespace Mentiora.Web.Activity;

/// <summary>The client address an activity entry records: the request's remote address (the real client's behind the trusted proxy).</summary>
public static class ActivityAddress
{
    public static string? Of(HttpContext context)
    {
        var address = context.Connection.RemoteIpAddress;
        if (address is null)
        {
            return null;
        }

        // Kestrel on a dual-stack socket reports IPv4 clients as ::ffff:a.b.c.d; people read a.b.c.d.
        return (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString();
    }
}
